import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, type PolicyDocumentInput, type PolicyRequest } from '@cortex-os/policy';

type RuleInput = PolicyDocumentInput['rules'][number];

const connector = fc.constantFrom('zendesk', 'github', 'jira');
const tool = fc.constantFrom('get_ticket', 'delete_ticket', 'list_issues', 'search');
const role = fc.constantFrom('support', 'admin', 'dev');
const globs = fc.constantFrom<string[]>(['*'], ['get_*'], ['delete_*', 'search'], ['*_issues'], ['z*']);

const ruleBody = fc.record(
  {
    roles: fc.uniqueArray(role, { minLength: 1, maxLength: 2 }),
    connectors: fc.constantFrom<string[]>(['zendesk'], ['git*'], ['*']),
    tools: globs,
    phase: fc.constantFrom('list', 'call', 'both'),
    when: fc.constantFrom('principal.claims.level > 1', 'tool.startsWith("get")', 'true'),
  },
  { requiredKeys: [] },
);

const request = fc.record({
  principal: fc.record({
    subject: fc.constantFrom('alice', 'bob'),
    roles: fc.uniqueArray(role, { maxLength: 3 }),
    scopes: fc.constant([] as string[]),
    claims: fc.record({ level: fc.integer({ min: 0, max: 3 }) }),
  }),
  connectorId: connector,
  tool,
  phase: fc.constantFrom('list' as const, 'call' as const),
});

describe('policy properties', () => {
  it('with only allow rules, adding a deny rule never turns a deny into an allow (and a matching deny denies)', () => {
    fc.assert(
      fc.property(
        fc.array(ruleBody, { maxLength: 8 }),
        ruleBody,
        fc.nat(8),
        request,
        (allows, deny, at, req) => {
          const allowRules: RuleInput[] = allows.map((body, i) => ({
            ...body,
            id: `allow-${i}`,
            effect: 'allow',
          }));
          const before = compilePolicy({ version: 1, rules: allowRules }).decide(req);
          const withDeny = [...allowRules];
          withDeny.splice(Math.min(at, withDeny.length), 0, { ...deny, id: 'the-deny', effect: 'deny' });
          const after = compilePolicy({ version: 1, rules: withDeny });
          const decision = after.decide(req);
          if (!before.allow) expect(decision.allow).toBe(false);
          if (after.explain(req).matched.some((m) => m.id === 'the-deny'))
            expect(decision).toMatchObject({ allow: false, ruleId: 'the-deny' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decide and explain agree on allow, and a memoized decision equals a fresh one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ruleBody, fc.boolean()), { maxLength: 8 }),
        fc.array(request, { minLength: 1, maxLength: 5 }),
        (bodies, reqs) => {
          const rules: RuleInput[] = bodies.map(([body, deny], i) => ({
            ...body,
            id: `r${i}`,
            effect: deny ? 'deny' : 'allow',
          }));
          const warm = compilePolicy({ version: 1, rules });
          for (const req of reqs) warm.decide(req);
          for (const req of reqs) {
            const fresh = compilePolicy({ version: 1, rules }).decide(req);
            expect(warm.decide(req as PolicyRequest)).toEqual(fresh);
            const matched = warm.explain(req).matched;
            expect(fresh.allow).toBe(matched.length > 0 && matched.every((m) => m.effect === 'allow'));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
