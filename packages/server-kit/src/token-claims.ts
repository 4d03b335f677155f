import { OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import type { JWTPayload } from 'jose';
import type { AuthOutcome } from './authenticator.js';
import type { Principal } from './principal.js';
import type { Expiring } from './token-cache.js';

/** What verifying one access token produced; cached per token until its `exp`. */
export interface VerifiedToken extends Expiring {
  /** The principal `{ subject: sub, roles, scopes, claims, via: "oauth" }`, frozen. */
  readonly principal: Principal;
  /** The success outcome for the principal (one object per token, no allocation per request). */
  readonly outcome: AuthOutcome;
  /** `client_id` (or `azp`), `""` when absent. */
  readonly clientId: string;
  /** The token's audiences, each without fragment and trailing slash (how resources are compared). */
  readonly audiences: readonly string[];
}

/** An `invalid_token` error with `description` (the challenge's `error_description`). */
export const invalidToken = (description: string): OAuthError =>
  new OAuthError(OAuthErrorCode.InvalidToken, description);

/** A resource identifier as resources are compared: without fragment and one trailing slash. */
export function comparableResource(value: string): string {
  const hash = value.indexOf('#');
  return (hash === -1 ? value : value.slice(0, hash)).replace(/\/$/, '');
}

const words = (value: string): string[] => value.split(/\s+/).filter(Boolean);
const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

/** A claim that is a space-separated string or an array of strings, as a list; `undefined` if absent. */
function listClaim(payload: JWTPayload, name: string): string[] | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return words(value);
  if (isStrings(value)) return value.filter(Boolean);
  throw invalidToken(`Token claim ${name} is neither a string nor an array of strings`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Maps the verified claims of an access token to its principal: `sub` → subject, roles from
 * `rolesClaim` (an array or a space-separated string), scopes from `scope` (space-separated) or else
 * `scp` (array or string), every claim → `claims` (deep-frozen). Throws `invalid_token` when `sub` or
 * `aud` is missing or a roles/scope claim has another type.
 */
export function verifiedTokenOf(payload: JWTPayload, rolesClaim: string): VerifiedToken {
  const { sub, aud, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalidToken('Token has no sub claim');
  const audiences = typeof aud === 'string' ? [aud] : isStrings(aud) ? aud : [];
  if (audiences.length === 0) throw invalidToken('Token has no aud claim');
  if (typeof exp !== 'number') throw invalidToken('Token has no expiration time');
  const roles = listClaim(payload, rolesClaim) ?? [];
  const scopes = listClaim(payload, 'scope') ?? listClaim(payload, 'scp') ?? [];
  const principal: Principal = Object.freeze({
    subject: sub,
    roles: Object.freeze(roles),
    scopes: Object.freeze(scopes),
    claims: deepFreeze(payload),
    via: 'oauth',
  });
  const clientId = payload.client_id ?? payload.azp;
  return Object.freeze({
    principal,
    outcome: Object.freeze({ ok: true, principal }),
    exp,
    clientId: typeof clientId === 'string' ? clientId : '',
    audiences: Object.freeze(audiences.map(comparableResource)),
  });
}
