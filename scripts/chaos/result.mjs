// The result of one chaos scenario: figures plus named checks; a scenario passes when every check holds.
import { withinNoise } from './http.mjs';

/** Collects checks and figures of one scenario. */
export function scenarioResult(name, description) {
  const checks = [];
  const figures = {};
  return {
    figures,
    /** Records `what` with its measured `value`, the `limit` it was held against, and whether it held. */
    check(what, ok, value, limit) {
      checks.push({ what, ok: Boolean(ok), value, limit });
    },
    /** The scenario's record (status `n/a` when `na` is given: the scenario cannot run yet, and why). */
    done(na) {
      const status = na ? 'n/a' : checks.every((c) => c.ok) ? 'pass' : 'fail';
      return { name, description, status, checks, figures, ...(na ? { reason: na } : {}) };
    },
  };
}

/**
 * Checks on `r` that a bystander client was undisturbed: its p50 during the disturbance is within noise of its
 * p50 before (see withinNoise) and none of its calls during it failed. `who` names the client, `disturbance` what
 * went on; `before` and `during` are `{ latencies, failures }` samples. Returns withinNoise's `{ before, during }`
 * p50s (ms, rounded) for the figures.
 */
export function checkUndisturbed(r, who, disturbance, before, during) {
  const noise = withinNoise(before.latencies, during.latencies);
  r.check(
    `${who} p50 unchanged within noise (ms; ≤ p50 before + max(2, 2×IQR before))`,
    noise.ok,
    noise.during,
    noise.limit,
  );
  r.check(`${who} failures during ${disturbance}`, during.failures.length === 0, during.failures.length, 0);
  return { before: noise.before, during: noise.during };
}
