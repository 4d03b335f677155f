import { ERROR_STATUS, httpStatusFor } from '@cortex-os/connectors-manifest';
import { describe, expect, it } from 'vitest';
import {
  BRIDGE_ERROR_CODES,
  BRIDGE_FAILURE_KIND,
  isBridgeErrorCode,
  CircuitBreaker,
  DEFAULT_RETRY,
  backoffDelay,
  createRemoteToolProxy,
} from '../src/index.js';
import { createManualClock } from '../src/testing/index.js';
import { connectorFor } from './helpers.js';

describe('backoffDelay (full jitter)', () => {
  it('draws uniformly below min(maxDelayMs, base·2^(n-1))', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(100);
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 });
  });
});

describe('CircuitBreaker', () => {
  it('opens at the threshold, half-opens after resetTimeoutMs with one probe, re-opens on probe failure', () => {
    const clock = createManualClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 2, resetTimeoutMs: 1_000 });
    expect(breaker.acquire()).toBe('allow');
    expect(breaker.failure()).toBe(false);
    breaker.success();
    expect(breaker.failure()).toBe(false);
    expect(breaker.failure()).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toBe('reject');
    clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toBe('probe');
    expect(breaker.acquire()).toBe('reject');
    expect(breaker.failure()).toBe(true);
    expect(breaker.state).toBe('open');
    clock.advance(999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.acquire()).toBe('probe');
    breaker.release('probe');
    expect(breaker.acquire()).toBe('probe');
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(0);
  });
});

describe('options and error codes', () => {
  it('validates numeric options at construction, naming the option and the value', () => {
    const make = (options: object) => () =>
      createRemoteToolProxy(connectorFor('http://127.0.0.1:9/mcp'), options);
    expect(make({ timeoutMs: 0 })).toThrow('brAInwav: option timeoutMs must be an integer >= 1 (got 0)');
    expect(make({ retries: { attempts: 0 } })).toThrow(
      'option retries.attempts must be an integer >= 1 (got 0)',
    );
    expect(make({ breaker: { failureThreshold: 1.5 } })).toThrow('(got 1.5)');
    expect(make({ downDebounceMs: -1 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', connectorId: 'fixture' }) as Error,
    );
    expect(() => createRemoteToolProxy(connectorFor('ftp://example.com/mcp'))).toThrow(
      /endpoint must be an http\(s\) URL/,
    );
  });

  it('uses unique codes, mapped by the shared code → HTTP status table where it has them', () => {
    expect(new Set(BRIDGE_ERROR_CODES).size).toBe(BRIDGE_ERROR_CODES.length);
    expect(httpStatusFor('UPSTREAM_TIMEOUT')).toBe(504);
    expect(httpStatusFor('CIRCUIT_OPEN')).toBe(503);
    const unmapped = BRIDGE_ERROR_CODES.filter((code) => !(code in ERROR_STATUS));
    expect(unmapped).toEqual([]);
    expect(httpStatusFor('REQUEST_ABORTED')).toBe(499);
    expect(httpStatusFor('PROXY_CLOSED')).toBe(503);
    expect(httpStatusFor('UPSTREAM_RESPONSE_TOO_LARGE')).toBe(502);
  });

  it('classifies every code in BRIDGE_FAILURE_KIND (offline only for availability failures)', () => {
    expect(Object.keys(BRIDGE_FAILURE_KIND).sort()).toEqual([...BRIDGE_ERROR_CODES].sort());
    const offline = BRIDGE_ERROR_CODES.filter((code) => BRIDGE_FAILURE_KIND[code] === 'offline');
    expect(offline).toEqual(['UPSTREAM_UNAVAILABLE', 'CIRCUIT_OPEN', 'PROXY_CLOSED']);
    expect(BRIDGE_FAILURE_KIND.REQUEST_ABORTED).toBe('cancelled');
    expect(isBridgeErrorCode('UPSTREAM_RESPONSE_TOO_LARGE')).toBe(true);
    expect(isBridgeErrorCode('SOME_NEW_CODE')).toBe(false);
    expect(isBridgeErrorCode('toString')).toBe(false);
    expect(Object.isFrozen(BRIDGE_FAILURE_KIND)).toBe(true);
  });
});

describe('createManualClock', () => {
  it('fires due timers in order, including ones scheduled while advancing', () => {
    const clock = createManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => {
      fired.push('a@10');
      clock.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cancelled);
    clock.advance(20);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(0);
  });
});
