'use strict';
/**
 * A throwaway community package for the isolate-rule check (bench/isolate-check.js), written into
 * a temp folder, never into the repository or the published package. Each node answers 200 itself
 * ({ probe: <name> }) and starts no execution, so an isolate counted during its request can only
 * be the webhook phase's:
 *   isolateProbeStatic      declares webhookIsExpressionFree; static webhook description
 *   isolateProbeTemplate    declares it, but its httpMethod is a `={{$parameter...}}` template with
 *                           no native resolver, which n8n evaluates on every request: it must still
 *                           get an isolate (without one, n8n's evaluator throws "No bridge acquired")
 *   isolateProbeUndeclared  the static description without the flag: n8n's rule as it is
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODES = {
	isolateProbeStatic: { flag: true, httpMethod: "'POST'" },
	isolateProbeTemplate: { flag: true, httpMethod: `'={{$parameter["method"] || "POST"}}'` },
	isolateProbeUndeclared: { flag: false, httpMethod: "'POST'" },
};

const className = (name) => name[0].toUpperCase() + name.slice(1);
const nodeSource = (name, { flag, httpMethod }) => `
class ${className(name)} {
  constructor() {
    this.description = {
      displayName: '${className(name)}', name: '${name}', group: ['trigger'], version: [1, 2], defaultVersion: 2,
      description: 'Isolate-rule probe', defaults: { name: '${className(name)}' },
      inputs: [], outputs: ['main'],${flag ? '\n      webhookIsExpressionFree: true,' : ''}
      webhooks: [{ name: 'default', httpMethod: ${httpMethod}, responseMode: 'onReceived', path: 'probe' }],
      properties: [
        { displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
        { displayName: 'Note', name: 'note', type: 'string', default: '' },
      ],
    };
  }
  async webhook() {
    this.getResponseObject().status(200).json({ probe: '${name}' });
    return { noWebhookResponse: true };
  }
}
module.exports = { ${className(name)} };
`;

/** @returns {string} the package folder (the caller removes it) */
function createIsolateProbePackage(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-isolate-probe-'))) {
	const files = {
		'package.json': JSON.stringify({
			name: 'n8n-nodes-isolate-probe',
			version: '0.0.1',
			keywords: ['n8n-community-node-package'],
			license: 'MIT',
			files: ['dist'],
			n8n: { n8nNodesApiVersion: 1, strict: true, nodes: Object.keys(NODES).map((name) => `dist/${className(name)}.node.js`) },
		}, null, 2),
	};
	for (const [name, spec] of Object.entries(NODES)) files[`dist/${className(name)}.node.js`] = nodeSource(name, spec);
	for (const [rel, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		fs.writeFileSync(path.join(dir, rel), text);
	}
	return dir;
}

/** A probe node; `note` set to an expression makes its parameters dynamic. */
function probeNode(name, n, { note } = {}) {
	return {
		id: `c9000000-0000-4000-8000-00000000000${n}`, name: `Probe ${n}`, type: `n8n-nodes-isolate-probe.${name}`, typeVersion: 2,
		position: [0, n * 200], webhookId: `c9000000-0000-4000-8000-0000000be00${n}`,
		parameters: { method: 'POST', ...(note ? { note } : {}) },
	};
}

/** One workflow holding every probe node (one publication instead of four). */
const probeWorkflow = (nodes) => ({ id: 'benchIsolateProbes', name: 'Isolate-rule probes', nodes, connections: {} });

module.exports = { createIsolateProbePackage, probeNode, probeWorkflow, NODES };
