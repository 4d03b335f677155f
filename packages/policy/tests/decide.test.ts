import { describe, expect, it } from 'vitest';
import { compilePolicy, parsePolicy, unrestrictedPolicy, type PolicyDocumentInput } from '@cortex-os/policy';
import { call, list, principal, SUPPORT_POLICY_YAML } from './helpers.js';

const support = principal({ subject: 'agent:support-bot', roles: ['support'], claims: { tenant: 'acme' } });
const admin = principal({ subject: 'bob', roles: ['admin'] });
const policy = compilePolicy(parsePolicy(SUPPORT_POLICY_YAML));

function rules(...list: PolicyDocumentInput['rules']) {
  return compilePolicy({ version: 1, rules: list });
}

describe('decide', () => {
  it('the support agent may read tickets but not delete them', () => {
    expect(policy.decide(call(support, 'zendesk', 'get_ticket'))).toEqual({
      allow: true,
      ruleId: 'support-reads-tickets',
      reason: 'allowed by rule "support-reads-tickets"',
    });
    expect(policy.decide(call(support, 'zendesk', 'delete_ticket'))).toEqual({
      allow: false,
      ruleId: 'no-ticket-deletes',
      reason: 'denied by rule "no-ticket-deletes"',
    });
  });

  it('deny wins over an allow listed before it (admins may not delete tickets either)', () => {
    expect(policy.decide(call(admin, 'github', 'delete_repo'))).toMatchObject({
      allow: true,
      ruleId: 'admins-everything',
    });
    expect(policy.decide(call(admin, 'zendesk', 'delete_ticket'))).toMatchObject({
      allow: false,
      ruleId: 'no-ticket-deletes',
    });
  });

  it('denies by default when no rule covers the request, naming the target and no rule', () => {
    const decision = policy.decide(call(support, 'github', 'create_issue'));
    expect(decision).toEqual({ allow: false, reason: 'no rule allows phase call of github "create_issue"' });
    expect(compilePolicy({ version: 1, rules: [] }).decide(call(admin, 'a', 'b')).allow).toBe(false);
  });

  it('matches globs over subjects, connectors and tools (a * crosses / and .)', () => {
    const p = rules({
      id: 'r',
      effect: 'allow',
      principals: ['svc:*'],
      connectors: ['git*'],
      tools: ['*.read', 'get_?'],
    });
    const svc = principal({ subject: 'svc:https://ci/runner' });
    expect(p.decide(call(svc, 'github', 'repo.read')).allow).toBe(true);
    expect(p.decide(call(svc, 'gitlab', 'get_x')).allow).toBe(true);
    expect(p.decide(call(svc, 'gitlab', 'get_xy')).allow).toBe(false);
    expect(p.decide(call(svc, 'jira', 'repo.read')).allow).toBe(false);
    expect(p.decide(call(principal({ subject: 'user:svc' }), 'github', 'repo.read')).allow).toBe(false);
  });

  it('roles: any listed role; scopes: every listed scope', () => {
    const p = rules({ id: 'r', effect: 'allow', roles: ['a', 'b'], scopes: ['read', 'write'] });
    expect(p.decide(call(principal({ roles: ['b'], scopes: ['write', 'read'] }), 'c', 't')).allow).toBe(true);
    expect(p.decide(call(principal({ roles: ['b'], scopes: ['read'] }), 'c', 't')).allow).toBe(false);
    expect(p.decide(call(principal({ roles: ['c'], scopes: ['read', 'write'] }), 'c', 't')).allow).toBe(
      false,
    );
  });

  it('required connector scopes: missing ones deny insufficient_scope before any rule, naming them', () => {
    const who = principal({ roles: ['admin'], scopes: ['tickets:read'] });
    const decision = policy.decide(
      call(who, 'zendesk', 'get_ticket', {}, ['tickets:read', 'tickets:write', 'x']),
    );
    expect(decision).toEqual({
      allow: false,
      reason: 'insufficient_scope: missing required scopes "tickets:write", "x" for connector "zendesk"',
      missingScopes: ['tickets:write', 'x'],
    });
    expect(policy.decide(call(who, 'zendesk', 'get_ticket', {}, ['tickets:read'])).allow).toBe(true);
  });

  it('CEL over claims and args allows and denies', () => {
    const ok = policy.decide(call(support, 'zendesk', 'update_ticket', { tenant: 'acme', id: 7 }));
    expect(ok).toMatchObject({ allow: true, ruleId: 'tenant-bound-writes' });
    const other = policy.decide(call(support, 'zendesk', 'update_ticket', { tenant: 'globex' }));
    expect(other).toEqual({ allow: false, reason: 'no rule allows phase call of zendesk "update_ticket"' });
    const p = rules(
      { id: 'big', effect: 'deny', when: 'has(args.amount) && args.amount > 1000', phase: 'call' },
      { id: 'all', effect: 'allow', when: '"pay" in principal.roles || principal.claims.level >= 3' },
    );
    expect(p.decide(call(principal({ roles: ['pay'] }), 'bank', 'transfer', { amount: 5 })).allow).toBe(true);
    expect(p.decide(call(principal({ roles: ['pay'] }), 'bank', 'transfer', { amount: 5000 }))).toMatchObject(
      {
        allow: false,
        ruleId: 'big',
      },
    );
    expect(p.decide(call(principal({ claims: { level: 3 } }), 'bank', 'transfer', {})).allow).toBe(true);
    expect(p.decide(call(principal({ claims: { level: 2 } }), 'bank', 'transfer', {})).allow).toBe(false);
  });

  it('an evaluation error denies with a reason naming the rule and the error code, never throwing', () => {
    const p = rules(
      { id: 'lvl', effect: 'allow', when: 'principal.claims.level > 2' },
      { id: 'guard', effect: 'deny', phase: 'call', when: 'args.force == true' },
    );
    const noClaim = p.decide(call(principal(), 'c', 't', { force: false }));
    expect(noClaim).toEqual({
      allow: false,
      ruleId: 'lvl',
      reason:
        'denied: the condition of allow rule "lvl" could not be evaluated (no_such_key) and no other rule allows it',
    });
    const noArg = p.decide(call(principal({ claims: { level: 9 } }), 'c', 't', {}));
    expect(noArg).toEqual({
      allow: false,
      ruleId: 'guard',
      reason: 'denied: the condition of deny rule "guard" could not be evaluated (no_such_key)',
    });
    const wrongType = p.decide(call(principal({ claims: { level: 'high' } }), 'c', 't', { force: false }));
    expect(wrongType).toMatchObject({ allow: false, ruleId: 'lvl' });
    expect(wrongType.reason).toContain('(no_such_overload)');
  });

  it('a dyn condition that yields a non-bool fails closed (not_a_bool)', () => {
    const p = rules({ id: 'flag', effect: 'allow', when: 'principal.claims.flag' });
    expect(p.decide(call(principal({ claims: { flag: true } }), 'c', 't')).allow).toBe(true);
    expect(p.decide(call(principal({ claims: { flag: 'yes' } }), 'c', 't')).reason).toContain('(not_a_bool)');
  });

  it('a reason never carries the condition text nor claim values', () => {
    const p = rules({
      id: 'secret-tenant',
      effect: 'deny',
      when: 'principal.claims.tenant == "s3cr3t-tenant"',
    });
    const decision = p.decide(call(principal({ claims: { tenant: 's3cr3t-tenant' } }), 'c', 't'));
    expect(decision).toEqual({
      allow: false,
      ruleId: 'secret-tenant',
      reason: 'denied by rule "secret-tenant"',
    });
    expect(JSON.stringify(decision)).not.toContain('s3cr3t');
  });

  it('phases: a call-only rule does not list; mayList answers the list phase', () => {
    expect(policy.mayList(support, 'zendesk', 'get_ticket')).toBe(true);
    expect(policy.mayList(support, 'zendesk', 'update_ticket')).toBe(false);
    expect(policy.decide(list(support, 'zendesk', 'delete_ticket')).allow).toBe(false);
    expect(policy.mayList(admin, 'zendesk', 'get_ticket', ['tickets:read'])).toBe(false);
  });

  it('memoized answers follow the principal: same subject with other roles decides anew', () => {
    const p = rules({ id: 'r', effect: 'allow', roles: ['admin'] });
    expect(p.decide(call(principal({ roles: ['admin'] }), 'c', 't')).allow).toBe(true);
    expect(p.decide(call(principal({ roles: [] }), 'c', 't')).allow).toBe(false);
    expect(p.decide(call(principal({ subject: 'alice1', roles: [] }), 'c', 't')).allow).toBe(false);
    expect(p.decide(call(principal({ roles: ['admin'] }), 'c', 't')).allow).toBe(true);
  });

  it('unrestrictedPolicy allows everything once required scopes are held', () => {
    const open = unrestrictedPolicy();
    expect(open.decide(call(principal(), 'c', 't'))).toEqual({ allow: true, reason: 'no policy is set' });
    expect(open.decide(call(principal(), 'c', 't', {}, ['s'])).missingScopes).toEqual(['s']);
    expect(open.mayList(principal({ scopes: ['s'] }), 'c', 't', ['s'])).toBe(true);
  });
});
