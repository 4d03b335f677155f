import { ConnectorsError } from '@cortex-os/connectors-manifest';

/** Base class of every error the connectors server raises (stable `code`, branded message, `cause` kept). */
export class ConnectorsServerError extends ConnectorsError {}

/** A configuration variable is missing or invalid (code `CONFIG_INVALID`); names the variable, never its value. */
export class ConfigError extends ConnectorsServerError {
  /** Name of the offending environment variable. */
  readonly variable: string;

  constructor(variable: string, reason: string) {
    super('CONFIG_INVALID', `${variable} ${reason}`);
    this.variable = variable;
  }
}

/** The connector id is not in the verified map (code `CONNECTOR_NOT_FOUND`, HTTP 404). */
export class ConnectorNotFoundError extends ConnectorsServerError {
  constructor(connectorId: string) {
    super('CONNECTOR_NOT_FOUND', `no connector "${connectorId.slice(0, 64)}" in the verified service map`);
  }
}

/** No verified service map is held yet, or it expired (code `NOT_READY`, HTTP 503). */
export class NotReadyError extends ConnectorsServerError {
  constructor(why: string) {
    super('NOT_READY', why);
  }
}

/** A request body or parameter is invalid (code `BAD_REQUEST`, HTTP 400). */
export class BadRequestError extends ConnectorsServerError {
  constructor(why: string) {
    super('BAD_REQUEST', why);
  }
}
