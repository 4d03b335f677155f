// The result of one chaos scenario: figures plus named checks; a scenario passes when every check holds.

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
