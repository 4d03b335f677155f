import { OAuthError } from '@modelcontextprotocol/server';
import { errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { AuthUnavailableError } from './errors.js';
import { TokenCache } from './token-cache.js';
import { invalidToken, verifiedTokenOf, type VerifiedToken } from './token-claims.js';

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** Exact `iss` accepted. */
  readonly issuer: string;
  /** The signing keys (a jose JWKS getter); resolved on first use when a function returning a promise of one. */
  readonly keys: () => JWTVerifyGetKey | Promise<JWTVerifyGetKey>;
  /** Accepted `alg`s (asymmetric only). */
  readonly algorithms: readonly string[];
  /** Seconds of clock skew allowed on `nbf` (and `iat`); `exp` is enforced exactly. */
  readonly clockToleranceSeconds: number;
  /** Claim the roles are read from. */
  readonly rolesClaim: string;
  /** Verified tokens kept (LRU); 0 keeps none. */
  readonly cacheSize: number;
  /** Clock, ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/** Counters of a {@link JwtVerifier}. */
export interface JwtVerifierStats {
  /** Signature verifications run (cache misses that reached jose). */
  readonly verifications: number;
  /** Tokens answered from the verified-token cache. */
  readonly cacheHits: number;
  /** Tokens held in the cache now. */
  readonly cached: number;
}

/** Verifies JWT access tokens (jose) and remembers the verified ones until they expire. */
export interface JwtVerifier {
  /** The verified token; throws an `invalid_token` `OAuthError`, or `AUTH_UNAVAILABLE` when keys cannot be fetched. */
  verify(token: string): Promise<VerifiedToken>;
  /** The token as verified before, when the cache still holds it unexpired (counted as a hit); else `undefined`. */
  cached(token: string): VerifiedToken | undefined;
  stats(): JwtVerifierStats;
}

const CLAIM_REASON: Readonly<Record<string, string>> = {
  nbf: 'Token is not yet valid',
  iss: 'Token issuer is not accepted',
  iat: 'Token issue time is not valid',
};

function claimReason(error: errors.JWTClaimValidationFailed): string {
  if (error.reason === 'missing') return `Token has no ${error.claim} claim`;
  return CLAIM_REASON[error.claim] ?? `Token claim ${error.claim} is not valid`;
}

/** The `invalid_token` reason of a jose error about the token itself, else `undefined` (a key-side problem). */
function tokenReason(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'Token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimReason(error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'Token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Token signing key is unknown';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'Token signing key is ambiguous';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'Token is malformed';
  if (error instanceof errors.JWKInvalid) return 'Token signing key is not usable';
  return undefined;
}

/** jose's error as what the resource server answers: `invalid_token`, or 503 when the keys are unreachable. */
export function verificationError(error: unknown): Error {
  if (error instanceof OAuthError || error instanceof AuthUnavailableError) return error;
  const reason = tokenReason(error);
  if (reason !== undefined) return invalidToken(reason);
  if (error instanceof errors.JWKSTimeout)
    return new AuthUnavailableError('the JWKS request timed out', { cause: error });
  if (error instanceof errors.JWKSInvalid)
    return new AuthUnavailableError('the JWKS is malformed', { cause: error });
  return new AuthUnavailableError('the JWKS cannot be fetched', { cause: error });
}

/**
 * A jose-based verifier with a verified-token cache: a token string seen before and not yet expired
 * is answered from a bounded LRU map, without signature work. Entries never outlive the token's
 * `exp`. A JWKS rotation does not evict them: a token verified before the rotation stays valid until it
 * expires, like a token verified just before a rotation would anyway (JWT access tokens are not
 * revocable at the resource server).
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const cache = new TokenCache<VerifiedToken>(options.cacheSize);
  const now = options.now ?? Date.now;
  const base: JWTVerifyOptions = {
    issuer: options.issuer,
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub', 'aud'],
  };
  let keys: JWTVerifyGetKey | undefined;
  let verifications = 0;
  let cacheHits = 0;

  async function verifyNew(token: string): Promise<VerifiedToken> {
    verifications += 1;
    try {
      keys ??= await options.keys();
      const verifyOptions = options.now ? { ...base, currentDate: new Date(now()) } : base;
      const { payload } = await jwtVerify(token, keys, verifyOptions);
      const verified = verifiedTokenOf(payload, options.rolesClaim);
      // jose allows the clock tolerance past exp too; exp itself is a hard limit here
      if (verified.exp * 1000 <= now()) throw invalidToken('Token has expired');
      cache.set(token, verified);
      return verified;
    } catch (error) {
      throw verificationError(error);
    }
  }

  const cached = (token: string): VerifiedToken | undefined => {
    const hit = cache.get(token, now());
    if (hit !== undefined) cacheHits += 1;
    return hit;
  };
  return {
    verify(token) {
      const hit = cached(token);
      return hit === undefined ? verifyNew(token) : Promise.resolve(hit);
    },
    cached,
    stats: () => ({ verifications, cacheHits, cached: cache.size }),
  };
}
