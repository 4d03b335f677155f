import { ConnectorsError } from '@cortex-os/connectors-manifest';

/** Base class of the errors server-kit raises (stable `code`, branded message, `cause` kept). */
export class ServerKitError extends ConnectorsError {}

/** What an API-key authenticator asks for in its 401 message. */
export const API_KEY_CREDENTIAL = 'an API key (Authorization: Bearer <key> or X-API-Key)';

/**
 * No credential was presented (code `UNAUTHORIZED`, HTTP 401). `what` names the protected thing,
 * `credential` what would open it (default {@link API_KEY_CREDENTIAL}).
 */
export class UnauthorizedError extends ServerKitError {
  constructor(what: string, credential: string = API_KEY_CREDENTIAL) {
    super('UNAUTHORIZED', `${what} requires ${credential}`);
  }
}

/**
 * A bearer access token was presented but is not valid: expired, not yet valid, for another resource,
 * from another issuer, badly signed or malformed (code `INVALID_TOKEN`, HTTP 401). `reason` is the
 * challenge's `error_description`; the token itself is never part of the message.
 */
export class InvalidTokenError extends ServerKitError {
  constructor(what: string, reason: string) {
    super('INVALID_TOKEN', `the access token presented for ${what} is not valid: ${lowerFirst(reason)}`);
  }
}

/** A valid access token lacks scopes the route requires (code `INSUFFICIENT_SCOPE`, HTTP 403). */
export class InsufficientScopeError extends ServerKitError {
  /** The required scopes the token does not carry. */
  readonly missingScopes: readonly string[];

  constructor(what: string, missingScopes: readonly string[]) {
    super(
      'INSUFFICIENT_SCOPE',
      `the access token presented for ${what} lacks the scope${missingScopes.length === 1 ? '' : 's'} ${missingScopes.join(' ')}`,
    );
    this.missingScopes = missingScopes;
  }
}

/**
 * Access tokens cannot be verified right now: the authorization server's keys or metadata cannot be
 * fetched (code `AUTH_UNAVAILABLE`, HTTP 503). Not the client's fault, so not a failed authentication.
 */
export class AuthUnavailableError extends ServerKitError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('AUTH_UNAVAILABLE', `cannot verify access tokens now: ${reason}`, options);
  }
}

/** OAuth resource-server options are wrong (code `AUTH_CONFIG_INVALID`, at startup). Names the option. */
export class OAuthConfigError extends ServerKitError {
  constructor(option: string, reason: string) {
    super('AUTH_CONFIG_INVALID', `OAuth option ${option} ${reason}`);
  }
}

/** One problem of an API-key principals file: the JSON path and what is wrong (never the key). */
export interface KeyPrincipalsIssue {
  /** JSON path such as `principals[2].keyRef` (empty for the root). */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** An API-key principals file is invalid (code `CONFIG_INVALID`); `issues` lists every problem. */
export class KeyPrincipalsError extends ServerKitError {
  readonly issues: readonly KeyPrincipalsIssue[];

  constructor(source: string, issues: readonly KeyPrincipalsIssue[]) {
    const list = issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join('; ');
    super('CONFIG_INVALID', `principals file ${source} is invalid: ${list}`);
    this.issues = issues;
  }
}

/** A protected-resource metadata document was asked for a resource that does not exist (code `NOT_FOUND`). */
export class UnknownResourceError extends ServerKitError {
  constructor(path: string) {
    super('NOT_FOUND', `no protected resource ${path.slice(0, 200)}`);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A credential was presented but is not accepted (code `FORBIDDEN`, HTTP 403). */
export class ForbiddenError extends ServerKitError {
  constructor(what: string) {
    super('FORBIDDEN', `the API key presented for ${what} is not accepted`);
  }
}

/** Too many failed authentications from one client address (code `TOO_MANY_AUTH_FAILURES`, HTTP 429). */
export class TooManyAuthFailuresError extends ServerKitError {
  /** Seconds until the client's failure window ends (the `Retry-After` value). */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      'TOO_MANY_AUTH_FAILURES',
      `too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A route names an auth scope the auth plugin does not know (code `CONFIG_INVALID`, at startup). */
export class AuthScopeError extends ServerKitError {
  constructor(route: string, scope: string, known: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `route ${route} names auth scope "${scope}", which is none of ${['public', ...known].join(', ')}`,
    );
  }
}

/** A Host/Origin allow-list entry is malformed (code `CONFIG_INVALID`). Names the option, echoes the entry. */
export class GuardPolicyError extends ServerKitError {
  constructor(option: string, entry: string, expected: string) {
    super('CONFIG_INVALID', `${option} entry ${JSON.stringify(entry)} is not ${expected}`);
  }
}

/** A request failed the DNS-rebinding guard (code `HOST_NOT_ALLOWED` or `ORIGIN_NOT_ALLOWED`, HTTP 403). */
export class HostOriginError extends ServerKitError {}
