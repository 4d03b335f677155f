import { describe, expect, it } from 'vitest';
import { compilePolicy, explanationLines, parsePolicy, splitToolName } from '@cortex-os/policy';
import { call, principal, SUPPORT_POLICY_YAML } from './helpers.js';

const policy = compilePolicy(parsePolicy(SUPPORT_POLICY_YAML));

describe('explanation output', () => {
  it('splits namespaced tool names at the first __', () => {
    expect(splitToolName('zendesk__delete_ticket')).toEqual({
      connectorId: 'zendesk',
      tool: 'delete_ticket',
    });
    expect(splitToolName('a__b__c')).toEqual({ connectorId: 'a', tool: 'b__c' });
    expect(splitToolName('zendesk')).toBeUndefined();
    expect(splitToolName('__x')).toBeUndefined();
    expect(splitToolName('x__')).toBeUndefined();
  });

  it('prints the verdict, the deciding rule as written and every matched rule with why', () => {
    const who = principal({ roles: ['support'] });
    const lines = explanationLines(policy.explain(call(who, 'zendesk', 'delete_ticket')), policy.rules);
    expect(lines).toEqual([
      'DENY denied by rule "no-ticket-deletes"',
      'rule rules[1] (id "no-ticket-deletes"): {"id":"no-ticket-deletes","effect":"deny","connectors":["zendesk"],"tools":["delete_*"],"phase":"both"}',
      '  matched rules[1] (id "no-ticket-deletes") deny: phase call is covered (rule phase both); connector "zendesk" matches ["zendesk"]; tool "delete_ticket" matches ["delete_*"]; any subject; any role; any scopes; no condition',
    ]);
  });

  it('with all, lists the first failing check of the other rules; says when nothing matched', () => {
    const lines = explanationLines(policy.explain(call(principal(), 'github', 'x')), policy.rules, true);
    expect(lines[0]).toBe('DENY no rule allows phase call of github "x"');
    expect(lines).toContain(
      '  skipped rules[2] (id "admins-everything") allow: holds none of the roles ["admin"]',
    );
    expect(lines.at(-1)).toBe('  no rule matched');
  });
});
