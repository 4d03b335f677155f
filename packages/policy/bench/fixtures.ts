// Synthetic policy and requests for the policy benchmark: 50 connectors × 13 tools = 650 tools, 200 rules.
import type { PolicyDocumentInput, PolicyRequest, Principal } from '@cortex-os/policy';

export const CONNECTORS = Array.from({ length: 50 }, (_, i) => `conn${String(i).padStart(2, '0')}`);
const VERBS = ['get', 'list', 'search', 'create', 'update', 'delete', 'export'];
const NOUNS = ['ticket', 'user'];
export const TOOLS = [...VERBS.flatMap((v) => NOUNS.map((n) => `${v}_${n}`))].slice(0, 13);

/** All 650 (connector, tool) pairs. */
export const TARGETS = CONNECTORS.flatMap((connectorId) => TOOLS.map((tool) => ({ connectorId, tool })));

type Rule = PolicyDocumentInput['rules'][number];

/** 200 rules in the shapes an operator writes: per-connector reads, writes with conditions, denies, admin. */
export function policy200(): PolicyDocumentInput {
  const rules: Rule[] = [];
  for (const [i, id] of CONNECTORS.entries()) {
    rules.push({
      id: `${id}-read`,
      effect: 'allow',
      roles: ['support', 'viewer'],
      connectors: [id],
      tools: ['get_*', 'list_*', 'search_*'],
    });
    rules.push({
      id: `${id}-write`,
      effect: 'allow',
      phase: 'call',
      roles: ['support'],
      connectors: [id],
      tools: ['create_*', 'update_*'],
      when: 'has(args.tenant) && args.tenant == principal.claims.tenant',
    });
    rules.push({
      id: `${id}-no-delete`,
      effect: 'deny',
      connectors: [id],
      tools: ['delete_*'],
      principals: i % 2 ? ['agent:*'] : ['*'],
    });
    rules.push({
      id: `${id}-export`,
      effect: i % 2 ? 'deny' : 'allow',
      connectors: [`${id.slice(0, 5)}*`],
      tools: ['export_*'],
      when: 'principal.claims.level >= 3 || "admin" in principal.roles',
    });
  }
  return { version: 1, rules };
}

/** A single-rule policy (the baseline). */
export function policy1(): PolicyDocumentInput {
  return { version: 1, rules: [{ id: 'support-all', effect: 'allow', roles: ['support'] }] };
}

/** A fresh principal object each time (as a verified token yields), same subject and roles. */
export function supportPrincipal(): Principal {
  return {
    subject: 'agent:support-bot',
    roles: ['support'],
    scopes: ['tickets:read'],
    claims: { tenant: 'acme', level: 2 },
  };
}

/** `n` call requests cycling over every target, with arguments. */
export function callRequests(n: number): PolicyRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const target = TARGETS[(i * 7) % TARGETS.length]!;
    return {
      ...target,
      principal: supportPrincipal(),
      phase: 'call',
      arguments: { tenant: i % 3 ? 'acme' : 'globex', id: i },
    };
  });
}
