'use strict';
/*
 * Counting what happened to deliveries sent as the platform sends them: each one once, a 2xx is
 * an acknowledgement (never sent again), anything else (an error status, a reset connection, no
 * answer in time) is sent again later. Shared by the single-process kill test
 * (test/e2e/guarantees.e2e.test.cts) and the queue-mode fault tests (test/queue/faults.queue.test.cts).
 * Node built-ins only.
 *
 *   const answers = await deliverConcurrently(deliveries, (d, i) => send(d), { concurrency: 10, onAnswer })
 *   const figures = ledger(deliveries, answers, storedTenantIds)
 *   const resent = await resendUnacknowledged(deliveries, answers, send)
 */

/**
 * An answer: { status, body } from the server, or { error } when there was none (reset, refused,
 * timeout); either may carry ms, how long the sender waited for it.
 */
const acknowledged = (answer) => !!answer && 'status' in answer && answer.status >= 200 && answer.status < 300;

/** { value: count } */
const tally = (values) => values.reduce((acc, v) => ({ ...acc, [v]: (acc[v] || 0) + 1 }), {});

/** What the sender saw: status codes, or the error message with ports and numbers blurred, so like errors count together. */
const outcomeOf = (answer) =>
  answer === undefined ? 'not sent' : 'status' in answer ? answer.status : answer.error.replace(/\d+/g, 'N');

/**
 * How long the sender waited, per outcome: { outcome: { n, p50Ms, maxMs } } over answers that
 * carry ms. Shows what an unanswered request costs the platform (it waits until someone gives up).
 */
function waitsByOutcome(answers) {
  const by = {};
  for (const answer of answers) {
    if (!answer || typeof answer.ms !== 'number') continue;
    (by[outcomeOf(answer)] ||= []).push(answer.ms);
  }
  return Object.fromEntries(
    Object.entries(by).map(([outcome, ms]) => {
      ms.sort((a, b) => a - b);
      return [outcome, { n: ms.length, p50Ms: Math.round(ms[Math.floor(ms.length / 2)]), maxMs: Math.round(ms[ms.length - 1]) }];
    }),
  );
}

/**
 * Sends every delivery once, in order, with `concurrency` in flight. send(d, i) resolves an
 * answer and never rejects. onAnswer({ answer, index, answers: n, acks }) runs after each answer
 * (n answers so far, acks of them 2xx); it may start a fault and must not block for long.
 * -> answers, by delivery index.
 */
async function deliverConcurrently(deliveries, send, { concurrency, onAnswer } = {}) {
  const answers = new Array(deliveries.length);
  let next = 0;
  let n = 0;
  let acks = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const index = next++;
        const answer = await send(deliveries[index], index);
        answers[index] = answer;
        n += 1;
        if (acknowledged(answer)) acks += 1;
        if (onAnswer) await onAnswer({ answer, index, answers: n, acks });
      }
    }),
  );
  return answers;
}

/**
 * The four counts of the guarantees tables, before any resend.
 * deliveries: [{ tenant }]; stored: Set of tenant ids in the workflow's store.
 */
function ledger(deliveries, answers, stored) {
  const acked = deliveries.filter((_, i) => acknowledged(answers[i]));
  const unacked = deliveries.filter((_, i) => !acknowledged(answers[i]));
  return {
    deliveries: deliveries.length,
    acknowledged: acked.length,
    acknowledgedNotStored: acked.filter((d) => !stored.has(d.tenant)).map((d) => d.tenant),
    notAcknowledged: unacked.length,
    storedWithoutAcknowledgement: unacked.filter((d) => stored.has(d.tenant)).length,
    answers: tally(answers.map(outcomeOf)),
  };
}

/**
 * The platform's part: sends each unacknowledged delivery again, one at a time, until it is
 * acknowledged (at most `attempts` times each, `pauseMs` between rounds). -> { resent, stillUnacknowledged, answers }
 */
async function resendUnacknowledged(deliveries, answers, send, { attempts = 3, pauseMs = 2000 } = {}) {
  let pending = deliveries.filter((_, i) => !acknowledged(answers[i]));
  const resent = pending.length;
  const seen = [];
  for (let attempt = 0; attempt < attempts && pending.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const failed = [];
    for (const d of pending) {
      const answer = await send(d);
      seen.push(outcomeOf(answer));
      if (!acknowledged(answer)) failed.push(d);
    }
    pending = failed;
  }
  return { resent, stillUnacknowledged: pending.map((d) => d.tenant), answers: tally(seen) };
}

module.exports = { acknowledged, tally, outcomeOf, waitsByOutcome, deliverConcurrently, ledger, resendUnacknowledged };
