import { describe, expect, it } from 'vitest';
import { compilePolicy, explain, parsePolicy } from '@cortex-os/policy';
import { call, principal, SUPPORT_POLICY_YAML } from './helpers.js';

const policy = compilePolicy(parsePolicy(SUPPORT_POLICY_YAML));
const support = principal({ subject: 'bot', roles: ['support', 'admin'], claims: { tenant: 'acme' } });

describe('explain', () => {
  it('gives the decision and every matching rule with why', () => {
    const result = explain(policy, call(support, 'zendesk', 'delete_ticket'));
    expect(result.decision).toMatchObject({ allow: false, ruleId: 'no-ticket-deletes' });
    expect(result.matched.map((m) => [m.id, m.effect])).toEqual([
      ['no-ticket-deletes', 'deny'],
      ['admins-everything', 'allow'],
    ]);
    expect(result.matched[0]?.reasons).toEqual([
      'phase call is covered (rule phase both)',
      'connector "zendesk" matches ["zendesk"]',
      'tool "delete_ticket" matches ["delete_*"]',
      'any subject',
      'any role',
      'any scopes',
      'no condition',
    ]);
  });

  it('traces the first failing check of a rule that did not match, and condition outcomes without their text', () => {
    const result = policy.explain(call(support, 'zendesk', 'update_ticket', { tenant: 'other' }));
    const byId = new Map(result.rules.map((r) => [r.id, r]));
    expect(byId.get('support-reads-tickets')?.reasons.at(-1)).toBe(
      'tool "update_ticket" does not match ["get_*", "list_*", "search"]',
    );
    expect(byId.get('tenant-bound-writes')).toMatchObject({ matched: false });
    expect(byId.get('tenant-bound-writes')?.reasons.at(-1)).toBe('condition is false');
    expect(JSON.stringify(result)).not.toContain('acme');
    expect(result.decision).toMatchObject({ allow: true, ruleId: 'admins-everything' });
  });
});
