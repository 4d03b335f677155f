import { resolveSecretRef } from '@cortex-os/connectors-manifest/node';
import type { ProxyConnector } from './connector.js';
import { SecretUnresolvedError } from './errors.js';

/** Resolves a `secretRef` (`env:NAME`, `file:/path`) to its value. */
export type SecretResolver = (ref: string) => Promise<string>;

/** Default resolver: `env:NAME` → `process.env.NAME`, `file:/path` → file contents trimmed. */
export const defaultResolveSecret: SecretResolver = (ref) => resolveSecretRef(ref);

/** Headers of one upstream session plus the secret values they carry (for redaction). */
export interface UpstreamHeaders {
  readonly headers: Record<string, string>;
  readonly secrets: readonly string[];
}

/**
 * Builds the request headers of a connector: its static `headers` plus the auth header
 * (bearer → `Authorization: Bearer <secret>`, apiKey → `<headerName>: <secret>`).
 * @throws SecretUnresolvedError `SECRET_UNRESOLVED` (names the ref, never a value)
 */
export async function buildUpstreamHeaders(
  connector: ProxyConnector,
  resolve: SecretResolver,
): Promise<UpstreamHeaders> {
  const headers: Record<string, string> = { ...(connector.headers ?? {}) };
  const { auth } = connector;
  if (auth.type === 'none' || !auth.secretRef) return { headers, secrets: [] };
  let secret: string;
  try {
    secret = await resolve(auth.secretRef);
  } catch (cause) {
    throw new SecretUnresolvedError(connector.id, auth.secretRef, { cause });
  }
  if (typeof secret !== 'string' || secret.trim() === '')
    throw new SecretUnresolvedError(connector.id, auth.secretRef);
  if (auth.type === 'bearer') headers.Authorization = `Bearer ${secret}`;
  else headers[auth.headerName ?? 'X-API-Key'] = secret;
  return { headers, secrets: [secret] };
}
