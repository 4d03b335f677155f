import { describe, expect, it } from 'vitest';
import { compilePolicy, parsePolicy, type CompiledPolicy, type PolicyDecider } from '@cortex-os/policy';
import { useGatewayHarness } from './helpers/harness.js';
import { eventually } from './helpers/http.js';
import { POLICY_YAML, startPolicyWorld, toolNames } from './helpers/policy-world.js';

const SWAPPED_YAML = `version: 1
rules:
  - id: support-echo-everywhere
    effect: allow
    roles: [support]
    connectors: [alpha, beta]
    tools: [echo]
  - id: no-add
    effect: deny
    connectors: [alpha]
    tools: [add]
`;

describe('policy changes apply to open sessions', () => {
  const h = useGatewayHarness();

  it('a PolicyStore reload changes the lists and decisions of open sessions without reconnecting, and notifies list_changed', async () => {
    const w = await startPolicyWorld(h);
    const aggregate = await w.connect('alice');
    const passthrough = await w.connect('alice', '/mcp/connectors/alpha');
    const changed = { aggregate: 0, passthrough: 0 };
    aggregate.setNotificationHandler('notifications/tools/list_changed', () => void changed.aggregate++);
    passthrough.setNotificationHandler('notifications/tools/list_changed', () => void changed.passthrough++);
    expect(await toolNames(aggregate)).toEqual(['alpha__echo', 'alpha__add']);
    expect(await toolNames(passthrough)).toEqual(['echo', 'add']);
    expect((await aggregate.callTool({ name: 'alpha__add', arguments: { a: 1, b: 1 } })).isError).toBeFalsy();
    expect((await aggregate.callTool({ name: 'alpha__echo', arguments: { text: '/tmp' } })).isError).toBe(
      true,
    );

    expect(await w.policy.rewrite(SWAPPED_YAML)).toBe('ok');
    await eventually(() => changed.aggregate === 1 && changed.passthrough === 1);
    expect(await toolNames(aggregate)).toEqual(['alpha__echo', 'beta__echo']);
    expect(await toolNames(passthrough)).toEqual(['echo']);
    expect(await aggregate.callTool({ name: 'alpha__add', arguments: { a: 1, b: 1 } })).toMatchObject({
      isError: true,
      _meta: { 'io.brainwav/error': { code: 'POLICY_DENIED', ruleId: 'no-add' } },
    });
    expect(await aggregate.callTool({ name: 'beta__echo', arguments: { text: '/tmp' } })).toEqual({
      content: [{ type: 'text', text: '/tmp' }],
    });
    expect(await passthrough.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).toMatchObject({
      isError: true,
      _meta: { 'io.brainwav/error': { code: 'POLICY_DENIED', ruleId: 'no-add' } },
    });

    // an invalid edit keeps the policy in force (the store is degraded), and nothing changes for the sessions
    expect(await w.policy.rewrite('version: 1\nrules:\n  - id: broken\n    effect: maybe\n')).toBe(
      'degraded',
    );
    expect(await toolNames(aggregate)).toEqual(['alpha__echo', 'beta__echo']);
    expect(changed).toEqual({ aggregate: 1, passthrough: 1 });

    expect(await w.policy.rewrite(POLICY_YAML)).toBe('ok');
    await eventually(() => changed.aggregate === 2);
    expect(await toolNames(aggregate)).toEqual(['alpha__echo', 'alpha__add']);
  });

  it('a custom decider swaps its answers by swapping its `policy` object (the list cache key)', async () => {
    let current: CompiledPolicy = compilePolicy(parsePolicy(POLICY_YAML));
    const decider: PolicyDecider & { readonly policy: CompiledPolicy } = {
      get policy() {
        return current;
      },
      decide: (request) => current.decide(request),
      mayList: (...args) => current.mayList(...args),
    };
    const w = await startPolicyWorld(h, { gateway: { policy: decider } });
    const alice = await w.connect('alice');
    expect(await toolNames(alice)).toEqual(['alpha__echo', 'alpha__add']);
    current = compilePolicy(parsePolicy(SWAPPED_YAML));
    expect(await toolNames(alice)).toEqual(['alpha__echo', 'beta__echo']);
    expect((await alice.callTool({ name: 'alpha__add', arguments: { a: 1, b: 2 } }))._meta).toEqual({
      'io.brainwav/error': { brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'no-add' },
    });
  });
});
