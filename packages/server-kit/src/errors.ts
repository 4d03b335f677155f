import { ConnectorsError } from '@cortex-os/connectors-manifest';

/** Base class of the errors server-kit raises (stable `code`, branded message, `cause` kept). */
export class ServerKitError extends ConnectorsError {}

/** No credential was presented (code `UNAUTHORIZED`, HTTP 401). `what` names the protected thing. */
export class UnauthorizedError extends ServerKitError {
  constructor(what: string) {
    super('UNAUTHORIZED', `${what} requires an API key (Authorization: Bearer <key> or X-API-Key)`);
  }
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
