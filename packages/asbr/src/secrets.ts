import type { AsbrConfig } from './config.js';

/**
 * Every secret value in `config` (HS256 secrets, the Ed25519 private `d`, API keys), for log
 * redaction. Public material (JWK `x`, kids) is not included.
 */
export function configSecrets(config: AsbrConfig): string[] {
  const secrets: string[] = [...(config.apiKeys ?? [])];
  const key = config.signingKey;
  if (key.alg === 'HS256') secrets.push(key.secret);
  else if (typeof key.privateJwk.d === 'string') secrets.push(key.privateJwk.d);
  for (const verify of config.verifyKeys) if (verify.alg === 'HS256') secrets.push(verify.secret);
  return secrets;
}
