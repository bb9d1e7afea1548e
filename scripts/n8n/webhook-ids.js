'use strict';
/*
 * The examples ship their triggers without a `webhookId`, so that n8n's editor gives every
 * import its own production URL (a shipped id is kept on import: the same URL for everyone, and
 * two imports in one n8n clash). n8n's CLI import and REST API keep what they are given and give
 * a missing id nothing, so the test harnesses give each missing one here: derived from the
 * workflow id and the node name, as stable across runs as the fixed ids used to be, and distinct
 * for every copy of an example imported under another workflow id.
 */
const crypto = require('node:crypto');

// Nodes whose webhookId does not mean a static production webhook.
const NO_STATIC_WEBHOOK = /\.(wait|form)$/i;

/** n8n's Webhook node, and community triggers (all of ours are webhook-based). */
function needsWebhookId(node) {
  const isCommunity = !/^(n8n-nodes-base|@n8n\/)/.test(node.type);
  return node.type === 'n8n-nodes-base.webhook' || (isCommunity && /Trigger$/.test(node.type));
}

/** A version-4-shaped UUID from SHA-256 of `<workflowId>/<nodeName>`. */
function webhookIdFor(workflowId, nodeName) {
  const h = crypto.createHash('sha256').update(`${workflowId}/${nodeName}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Gives every webhook node of `workflow` without a webhookId its derived one, in place; returns `workflow`. */
function assignWebhookIds(workflow) {
  if (!workflow.id) throw new Error(`workflow "${workflow.name}" needs a fixed "id"`);
  for (const node of workflow.nodes || []) {
    if (!node.webhookId && needsWebhookId(node)) node.webhookId = webhookIdFor(String(workflow.id), node.name);
  }
  return workflow;
}

module.exports = { assignWebhookIds, webhookIdFor, needsWebhookId, NO_STATIC_WEBHOOK };
