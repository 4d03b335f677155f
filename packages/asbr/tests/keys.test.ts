import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '@cortex-os/connectors-manifest';
import { createLogger, type DestinationStream } from '@cortex-os/telemetry';
import { ConfigError, configSecrets, exitCodeFor, loadAsbrConfig } from '../src/index.js';

const base = { CONNECTORS_SIGNATURE_KEY: 'k'.repeat(32), CONNECTORS_API_KEY: 'key-one' };

async function privateJwk(): Promise<Record<string, unknown>> {
  const { signing } = await generateSigningKey('EdDSA');
  return signing.alg === 'EdDSA' ? { ...signing.privateJwk } : {};
}

describe('asbr keys: verify side public only, d redacted', () => {
  it('refuses a private JWK in CONNECTORS_VERIFY_KEYS with a config error naming the variable, never d', async () => {
    const jwk = await privateJwk();
    let error: unknown;
    try {
      loadAsbrConfig({ ...base, CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'EdDSA', publicJwk: jwk }]) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', variable: 'CONNECTORS_VERIFY_KEYS' });
    expect((error as Error).message).toBe(
      'brAInwav: CONNECTORS_VERIFY_KEYS entry 0: publicJwk must be a public key: remove "d"',
    );
    expect(exitCodeFor(error)).toBe(exitCodeFor(new ConfigError('LOG_LEVEL', 'is bad')));
    expect(JSON.stringify(error) + (error as Error).stack).not.toContain(String(jwk.d));
  });

  it('signs with the private JWK and lists its d among the secrets: a log line never shows it', async () => {
    const jwk = await privateJwk();
    const config = loadAsbrConfig({ ...base, CONNECTORS_SIGNING_JWK: JSON.stringify(jwk) });
    expect(config.signingKey).toMatchObject({ alg: 'EdDSA', privateJwk: { d: jwk.d } });
    expect(configSecrets(config)).toContain(jwk.d);
    const lines: string[] = [];
    const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
    const logger = createLogger({ component: 'asbr', secrets: configSecrets(config), destination });
    logger.info({ key: { d: jwk.d } }, `raw ${String(jwk.d)}`);
    logger.info({ signingKey: config.signingKey }, 'config key');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(String(jwk.d));
    expect(lines.join('')).toContain('[REDACTED]');
  });
});
