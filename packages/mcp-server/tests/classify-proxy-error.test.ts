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

describe('classifyProxyError: the typed BRIDGE_FAILURE_KIND table', () => {
  it('classifies every bridge code by the table, with the kinds decided for each', () => {
    const kinds = Object.fromEntries(
      BRIDGE_ERROR_CODES.map((code) => [code, classifyProxyError(binding(), bridgeError(code), live)]),
    );
    expect(kinds).toEqual({
      AUTH_CONFIG_INVALID: 'failed',
      SECRET_UNRESOLVED: 'failed',
      SECRET_REF_NOT_ALLOWED: 'failed',
      UPSTREAM_UNAVAILABLE: 'offline',
      UPSTREAM_TIMEOUT: 'failed',
      UPSTREAM_AUTH_FAILED: 'failed',
      CIRCUIT_OPEN: 'offline',
      TOOL_CALL_FAILED: 'failed',
      UPSTREAM_RESPONSE_TOO_LARGE: 'failed',
      UPSTREAM_PROTOCOL_ERROR: 'failed',
      REQUEST_ABORTED: 'cancelled',
      PROXY_CLOSED: 'offline',
      CONFIG_INVALID: 'failed',
    });
    expect(kinds).toEqual(BRIDGE_FAILURE_KIND);
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
