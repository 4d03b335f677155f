import { describe, expect, it } from 'vitest';
import { readServerKitEnv } from '../src/index.js';

const fail = (variable: string, reason: string): never => {
  throw new Error(`${variable} ${reason}`);
};

describe('readServerKitEnv', () => {
  it('defaults to no extra hosts or origins and 20 failures per minute', () => {
    expect(readServerKitEnv({}, 'ASBR', fail)).toEqual({
      allowedHosts: [],
      allowedOrigins: [],
      authFailureLimit: { max: 20, timeWindowMs: 60_000 },
    });
  });

  it('reads the prefixed lists and limits; a limit of 0 turns throttling off', () => {
    const env = {
      CONNECTORS_ALLOWED_HOSTS: ' a.example , b.internal ',
      CONNECTORS_ALLOWED_ORIGINS: 'https://chat.example:8443',
      CONNECTORS_AUTH_FAILURE_LIMIT: '5',
      CONNECTORS_AUTH_FAILURE_WINDOW_MS: '1000',
    };
    expect(readServerKitEnv(env, 'CONNECTORS', fail)).toEqual({
      allowedHosts: ['a.example', 'b.internal'],
      allowedOrigins: ['https://chat.example:8443'],
      authFailureLimit: { max: 5, timeWindowMs: 1000 },
    });
    expect(readServerKitEnv({ ASBR_AUTH_FAILURE_LIMIT: '0' }, 'ASBR', fail).authFailureLimit).toBe(false);
  });

  it.each([
    [
      'ASBR_ALLOWED_HOSTS',
      'ok.example,evil.example:80',
      'must be comma-separated hostnames without port or scheme (entry 1 is not)',
    ],
    [
      'ASBR_ALLOWED_ORIGINS',
      'https://ok.example/path',
      'must be comma-separated origins like https://host:port (entry 0 is not)',
    ],
    ['ASBR_AUTH_FAILURE_LIMIT', '-1', 'must be an integer >= 0'],
    ['ASBR_AUTH_FAILURE_WINDOW_MS', '0', 'must be an integer >= 1'],
  ])('names %s and the rule it broke', (variable, value, reason) => {
    expect(() => readServerKitEnv({ [variable]: value }, 'ASBR', fail)).toThrow(`${variable} ${reason}`);
  });
});
