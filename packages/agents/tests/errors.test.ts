import { ERROR_STATUS } from '@cortex-os/connectors-manifest';
import { describe, expect, it } from 'vitest';
import {
  AgentsConfigError,
  type AgentsError,
  ConnectorsMapExpiredError,
  ConnectorUnavailableError,
  createConnectorsRegistry,
  MapFetchError,
  MapVerificationError,
  RegistryNotReadyError,
} from '../src/index.js';

const KEYS = [{ alg: 'HS256' as const, secret: 'brainwav-test-secret-a-0123456789abcdef' }];

describe('errors', () => {
  it('are branded AgentsErrors whose codes all map to an HTTP status', () => {
    const errors: AgentsError[] = [
      new AgentsConfigError('x'),
      new MapVerificationError('ROLLBACK', 'older'),
      new MapFetchError('down', { status: 503 }),
      new ConnectorsMapExpiredError('2026-11-22T10:05:00.000Z'),
      new RegistryNotReadyError('closed'),
      new ConnectorUnavailableError('a', 'not-found'),
      new ConnectorUnavailableError('a', 'disabled'),
    ];
    expect(errors.map((e) => [e.code, (ERROR_STATUS as Record<string, number>)[e.code]])).toEqual([
      ['CONFIG_INVALID', 500],
      ['MAP_VERIFICATION_FAILED', 502],
      ['MANIFEST_UNAVAILABLE', 503],
      ['CONNECTORS_MAP_EXPIRED', 503],
      ['NOT_READY', 503],
      ['CONNECTOR_NOT_FOUND', 404],
      ['UPSTREAM_UNAVAILABLE', 502],
    ]);
    for (const e of errors) expect(e.message.startsWith('brAInwav: ')).toBe(true);
    expect(new MapVerificationError('ROLLBACK', 'older').verifyCode).toBe('ROLLBACK');
    expect(new ConnectorsMapExpiredError('2026-11-22T10:05:00.000Z').name).toBe('ConnectorsMapExpiredError');
  });
});

describe('createConnectorsRegistry options', () => {
  const bad: [string, Parameters<typeof createConnectorsRegistry>[0], RegExp][] = [
    ['neither url nor source', { keys: KEYS }, /give exactly one of url or source \(got neither\)/],
    [
      'both',
      { url: 'http://a', source: { fetch: () => Promise.resolve({ status: 304 }) }, keys: KEYS },
      /\(got both\)/,
    ],
    ['bad url', { url: 'ftp://a', keys: KEYS }, /url must be an http\(s\) URL/],
    ['no keys', { url: 'http://a', keys: [] }, /keys must hold at least one verification key \(got 0\)/],
    [
      'timeout',
      { url: 'http://a', keys: KEYS, timeoutMs: 0 },
      /timeoutMs must be a positive integer of milliseconds \(got 0\)/,
    ],
  ];
  it.each(bad)('rejects %s with CONFIG_INVALID', (_name, options, message) => {
    expect(() => createConnectorsRegistry(options)).toThrowError(message);
    expect(() => createConnectorsRegistry(options)).toThrowError(AgentsConfigError);
  });
});
