import { describe, expect, it } from 'vitest';
import {
  BRIDGE_ERROR_CODES,
  BRIDGE_FAILURE_KIND,
  UpstreamError,
  type BridgeErrorCode,
} from '@cortex-os/mcp-bridge';
import { classifyProxyError } from '../src/aggregate.js';
import type { GatewayConnectorBinding } from '../src/contracts.js';

/** A binding whose proxy reports `state`/`breaker` (all classifyProxyError reads of it). */
function binding(state = 'up', breaker = 'closed'): GatewayConnectorBinding {
  return { connector: { id: 'alpha' }, proxy: { state, breaker } } as unknown as GatewayConnectorBinding;
}

const live = new AbortController().signal;
const bridgeError = (code: BridgeErrorCode): UpstreamError =>
  new UpstreamError(code, 'alpha', `failed (${code})`);

/** The availability failures, the only codes a gateway reports as offline. */
const OFFLINE: ReadonlySet<BridgeErrorCode> = new Set([
  'UPSTREAM_UNAVAILABLE',
  'CIRCUIT_OPEN',
  'PROXY_CLOSED',
]);
/** The caller's own abort, the only code reported as cancelled. */
const CANCELLED: ReadonlySet<BridgeErrorCode> = new Set(['REQUEST_ABORTED']);
const expectedKind = (code: BridgeErrorCode): string =>
  OFFLINE.has(code) ? 'offline' : CANCELLED.has(code) ? 'cancelled' : 'failed';

describe('classifyProxyError: the typed BRIDGE_FAILURE_KIND table', () => {
  it('classifies every bridge code by the table: only availability failures offline, only an abort cancelled', () => {
    for (const code of BRIDGE_ERROR_CODES) {
      expect(classifyProxyError(binding(), bridgeError(code), live), code).toBe(expectedKind(code));
      expect(BRIDGE_FAILURE_KIND[code], code).toBe(expectedKind(code));
    }
    expect(Object.keys(BRIDGE_FAILURE_KIND).sort()).toEqual([...BRIDGE_ERROR_CODES].sort());
    expect(BRIDGE_ERROR_CODES.filter((code) => OFFLINE.has(code) || CANCELLED.has(code))).toHaveLength(4);
  });

  it('treats an unknown string code as failed (never silently offline), a number code as failed', () => {
    const unknown = Object.assign(new Error('brAInwav: new failure'), { code: 'SOME_NEW_CODE' });
    expect(classifyProxyError(binding(), unknown, live)).toBe('failed');
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyProxyError(binding(), network, live)).toBe('failed');
    const rpc = Object.assign(new Error('MCP error -32602'), { code: -32602 });
    expect(classifyProxyError(binding(), rpc, live)).toBe('failed');
  });

  it('keeps the gateway-side rules: no code is offline; proxy down/closed/open wins; an abort is cancelled', () => {
    expect(classifyProxyError(binding(), new Error('socket hang up'), live)).toBe('offline');
    expect(classifyProxyError(binding(), undefined, live)).toBe('offline');
    expect(classifyProxyError(binding('down'), bridgeError('TOOL_CALL_FAILED'), live)).toBe('offline');
    expect(classifyProxyError(binding('closed'), bridgeError('UPSTREAM_TIMEOUT'), live)).toBe('offline');
    expect(classifyProxyError(binding('up', 'open'), bridgeError('CONFIG_INVALID'), live)).toBe('offline');
    const aborted = AbortSignal.abort();
    expect(classifyProxyError(binding('down'), bridgeError('UPSTREAM_UNAVAILABLE'), aborted)).toBe(
      'cancelled',
    );
    expect(classifyProxyError(binding(), bridgeError('REQUEST_ABORTED'), live)).toBe('cancelled');
  });
});
