import { resolveSecretRef, SecretRefNotAllowedError } from '@cortex-os/connectors-manifest/node';
import type { ProxyConnector } from './connector.js';
import { BridgeError, SecretUnresolvedError } from './errors.js';

/** Resolves a `secretRef` (`env:NAME`, `file:/path`) to its value. */
export type SecretResolver = (ref: string) => Promise<string>;

/**
 * Default resolver, under the default secretRef policy of `@cortex-os/connectors-manifest/node`: only
 * `env:CONNECTOR_*` refs resolve (→ `process.env.NAME`), never a gateway key variable nor a value equal to
 * one of the gateway secrets in `process.env`; `file:` refs need a policy with a secret directory
 * (`createSecretResolver`).
 */
export const defaultResolveSecret: SecretResolver = (ref) => resolveSecretRef(ref);

/**
 * The secretRef policy refused a connector's ref (code `SECRET_REF_NOT_ALLOWED`, a configuration error:
 * nothing is sent upstream). Message: `connector "<id>": secretRef <ref> is not allowed (<why>)`.
 */
export class SecretRefRefusedError extends BridgeError {
  /** The refused reference. */
  readonly secretRef: string;

  constructor(connectorId: string, cause: SecretRefNotAllowedError) {
    super(
      'SECRET_REF_NOT_ALLOWED',
      connectorId,
      `connector "${connectorId}": secretRef ${cause.ref} is not allowed (${cause.why})`,
      { cause },
    );
    this.secretRef = cause.ref;
  }
}

/** Headers of one upstream session plus the secret values they carry (for redaction). */
export interface UpstreamHeaders {
  readonly headers: Record<string, string>;
  readonly secrets: readonly string[];
}

/**
 * Builds the request headers of a connector: its static `headers` plus the auth header
 * (bearer → `Authorization: Bearer <secret>`, apiKey → `<headerName>: <secret>`).
 * @throws SecretRefRefusedError `SECRET_REF_NOT_ALLOWED` when the policy refuses the ref (names the ref)
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
    if (cause instanceof SecretRefNotAllowedError) throw new SecretRefRefusedError(connector.id, cause);
    throw new SecretUnresolvedError(connector.id, auth.secretRef, { cause });
  }
  if (typeof secret !== 'string' || secret.trim() === '')
    throw new SecretUnresolvedError(connector.id, auth.secretRef);
  if (auth.type === 'bearer') headers.Authorization = `Bearer ${secret}`;
  else headers[auth.headerName ?? 'X-API-Key'] = secret;
  return { headers, secrets: [secret] };
}
