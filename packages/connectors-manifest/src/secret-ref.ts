import { ConnectorsError } from './errors.js';

/** A parsed `secretRef`: an environment variable or an absolute file path. */
export type SecretRef =
  { readonly kind: 'env'; readonly name: string } | { readonly kind: 'file'; readonly path: string };

/** `env:NAME` or `file:/absolute/path`. */
export const SECRET_REF_PATTERN = /^(?:env:[A-Za-z_][A-Za-z0-9_]*|file:\/\S+)$/;

/**
 * Parses a `secretRef` (`env:NAME` or `file:/path`).
 * @throws ConnectorsError `SECRET_UNRESOLVED` when the reference has another form (the value is not echoed).
 */
export function parseSecretRef(ref: string): SecretRef {
  if (!SECRET_REF_PATTERN.test(ref)) {
    throw new ConnectorsError('SECRET_UNRESOLVED', 'secretRef must be env:NAME or file:/absolute/path');
  }
  return ref.startsWith('env:') ? { kind: 'env', name: ref.slice(4) } : { kind: 'file', path: ref.slice(5) };
}
