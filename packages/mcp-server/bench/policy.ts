/**
 * Row (e): the gateway with a 200-rule policy (the policy bench's synthetic one: 50 connectors × 13 tools, per-
 * connector reads, CEL-conditioned writes, denies) and a support principal with roles, beside the same gateway
 * without a policy (the default `unrestrictedPolicy()`, same principal), in one process, same run. In-memory proxies (no upstream leg), so the difference is the
 * gateway's own policy work: a call decision (with a CEL condition) and the filtered, cached tools/list.
 */
import { compilePolicy, type PolicyDecider } from '@cortex-os/policy';
import type { Principal } from '@cortex-os/server-kit';
import { CONNECTORS, TOOLS, policy200, supportPrincipal } from '../../policy/bench/fixtures.js';
import { createConnectorsGateway, staticConnectorSource, type ConnectorsGateway } from '../src/index.js';
import {
  connect,
  connector,
  cpuMicros,
  mount,
  rawPoster,
  round,
  sequential,
  sessionHeaders,
  stats,
} from './lib.js';

type Stats = ReturnType<typeof stats>;

/** Result of {@link policyComparison}. */
export interface PolicyBenchResult {
  rules: number;
  tools: number;
  /** Sequential `tools/call` of `conn07__update_ticket` (an allow rule with a CEL condition), ms. */
  call: { noPolicy: Stats & { cpuMs: number }; policyOn: Stats & { cpuMs: number } };
  addedP50Ms: number;
  addedCpuMs: number;
  /** Sequential raw-HTTP `tools/list` (fast lane; the policy side is the principal's cached filtered body), ms. */
  list: {
    noPolicy: Stats;
    policyOn: Stats;
    /** Every request with other scopes (a new list key): 650 list decisions and an encode per request. */
    policyOnUncached: Stats;
    toolsNoPolicy: number;
    toolsPolicyOn: number;
  };
}

function memoryProxy(id: string) {
  const tools = TOOLS.map((name) => ({
    name,
    inputSchema: {
      type: 'object' as const,
      properties: { tenant: { type: 'string' }, id: { type: 'number' } },
    },
  }));
  return {
    connectorId: id,
    state: 'up' as const,
    breaker: 'closed' as const,
    listTools: () => Promise.resolve(tools),
    callTool: (name: string) => Promise.resolve({ content: [{ type: 'text' as const, text: name }] }),
    client: () => Promise.reject(new Error('brAInwav: not used')),
    onToolsChanged: () => () => undefined,
  };
}

async function side(policy: PolicyDecider | undefined, uncached = false) {
  // a fresh principal per request, as a verified token or key lookup yields; `uncached`: other scopes each time
  let n = 0;
  const principal = (): Principal => {
    const base = supportPrincipal();
    return { ...base, scopes: uncached ? [`s${(n += 1)}`] : base.scopes, via: 'api-key' };
  };
  const gateway: ConnectorsGateway = createConnectorsGateway({
    source: staticConnectorSource(
      CONNECTORS.map((id) => ({
        connector: connector(id, 'http://127.0.0.1:1/mcp'),
        proxy: memoryProxy(id),
      })),
    ),
    principalOf: principal,
    ...(policy ? { policy } : {}),
  });
  const http = await mount(gateway);
  await gateway.ready();
  const client = await connect(`${http.base}/mcp`);
  const args = { tenant: 'acme', id: 7 };
  const call = async () => {
    const result = await client.callTool({ name: 'conn07__update_ticket', arguments: args });
    if (result.isError) throw new Error(`brAInwav: bench call failed: ${JSON.stringify(result.content)}`);
  };
  const rawList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const list = rawPoster(`${http.base}/mcp`, sessionHeaders(client));
  const listed = (await client.listTools(undefined, { cacheMode: 'bypass' })).tools.length;
  return {
    call,
    list: () => list(rawList),
    listed,
    close: async () => {
      await client.close();
      await gateway.close();
      await http.close();
    },
  };
}

/** (e) policy on vs no policy, interleaved in blocks of 500 calls (4 blocks per side, order alternating). */
export async function policyComparison(): Promise<PolicyBenchResult> {
  const policy = compilePolicy(policy200());
  const sides = { noPolicy: await side(undefined), policyOn: await side(policy) };
  const uncached = await side(policy, true);
  const names = ['noPolicy', 'policyOn'] as const;
  const order = (block: number) => (block % 2 === 0 ? names : [...names].reverse());
  for (const name of names) await sequential(500, sides[name].call);
  const samples = { noPolicy: [] as number[], policyOn: [] as number[] };
  const cpu = { noPolicy: 0, policyOn: 0 };
  for (let block = 0; block < 4; block += 1) {
    for (const name of order(block)) {
      cpu[name] += await cpuMicros(
        async () => void samples[name].push(...(await sequential(500, sides[name].call))),
      );
    }
  }
  const lists = { noPolicy: [] as number[], policyOn: [] as number[] };
  for (const name of names) await sequential(50, sides[name].list);
  for (let block = 0; block < 4; block += 1)
    for (const name of order(block)) lists[name].push(...(await sequential(100, sides[name].list)));
  await sequential(50, uncached.list);
  const listUncached = await sequential(300, uncached.list);
  const call = {
    noPolicy: { ...stats(samples.noPolicy), cpuMs: round(cpu.noPolicy / 2_000 / 1_000) },
    policyOn: { ...stats(samples.policyOn), cpuMs: round(cpu.policyOn / 2_000 / 1_000) },
  };
  const result: PolicyBenchResult = {
    rules: policy.rules.length,
    tools: CONNECTORS.length * TOOLS.length,
    call,
    addedP50Ms: round(call.policyOn.p50 - call.noPolicy.p50),
    addedCpuMs: round(call.policyOn.cpuMs - call.noPolicy.cpuMs),
    list: {
      noPolicy: stats(lists.noPolicy),
      policyOn: stats(lists.policyOn),
      policyOnUncached: stats(listUncached),
      toolsNoPolicy: sides.noPolicy.listed,
      toolsPolicyOn: sides.policyOn.listed,
    },
  };
  for (const name of names) await sides[name].close();
  await uncached.close();
  return result;
}
