import type { DashboardError } from './errors.js';

/** Service-map verification codes (DESIGN.md; `VERIFY_CODES` of `@cortex-os/connectors-manifest`). */
type VerifyCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'BAD_TYP'
  | 'KEY_UNKNOWN'
  | 'ALG_NOT_ALLOWED'
  | 'BAD_SIGNATURE'
  | 'SCHEMA'
  | 'EXPIRED'
  | 'ROLLBACK';

/** Why a signed map fails verification (DESIGN.md codes) and what fixes it. */
const VERIFY_FIXES: Record<VerifyCode, string> = {
  MALFORMED: 'The service map is not a valid signed document: check that ASBR_URL points at asbr.',
  TOO_LARGE: 'The service map exceeds the size limit: reduce the number of connectors or raise the limit.',
  BAD_TYP: 'The signature header has the wrong typ: signer and verifier versions differ.',
  KEY_UNKNOWN:
    'The map was signed with a key this server does not know: add its kid to CONNECTORS_VERIFY_KEYS.',
  ALG_NOT_ALLOWED: 'The signature algorithm is not allowed for this key: check CONNECTORS_VERIFY_KEYS.',
  BAD_SIGNATURE:
    'The signature does not match: CONNECTORS_SIGNATURE_KEY differs between asbr and the connectors server.',
  SCHEMA: 'The map does not match the schema: validate the manifest with cortex-connectors validate.',
  EXPIRED: 'The map has expired: check that asbr is running and re-signing, and that both clocks agree.',
  ROLLBACK: 'An older map version was served: check that only one signer publishes the map.',
};

/**
 * The fix for a service-map verification code (`BAD_SIGNATURE`, `KEY_UNKNOWN`, …), or `undefined` for another code.
 * @param serverCode - the code the connectors server reported.
 */
export function verifyFix(serverCode: string | undefined): string | undefined {
  return serverCode && serverCode in VERIFY_FIXES ? VERIFY_FIXES[serverCode as VerifyCode] : undefined;
}

/** Cause and fix shown on the troubleshooting card. */
export interface Diagnosis {
  title: string;
  cause: string;
  fix: string;
  /** True when changing the API key is the remedy. */
  keyProblem: boolean;
}

/**
 * Explains why the verified connectors map could not be loaded and what the operator should do.
 * @param error - the failure the dashboard holds.
 */
export function diagnose(error: DashboardError): Diagnosis {
  const title = 'brAInwav: the connectors map could not be loaded';
  switch (error.code) {
    case 'UNAUTHORIZED':
      return {
        title,
        cause: 'The connectors server rejected the request: no API key was sent (HTTP 401).',
        fix: 'Check the API key: enter the value of CONNECTORS_API_KEY.',
        keyProblem: true,
      };
    case 'FORBIDDEN':
      return {
        title,
        cause: 'The connectors server rejected the API key (HTTP 403).',
        fix: 'Check the API key: it must match one of the keys in CONNECTORS_API_KEY.',
        keyProblem: true,
      };
    case 'NETWORK':
      return {
        title,
        cause: 'The connectors server could not be reached.',
        fix: 'Is the connectors server running? Start it with npm start and retry.',
        keyProblem: false,
      };
    case 'MAP_UNAVAILABLE':
      return {
        title,
        cause: `No verified service map is loaded (${error.serverCode ?? 'HTTP 503'}): asbr is down or the map failed signature verification.`,
        fix:
          verifyFix(error.serverCode) ??
          'Check that asbr is running (npm start) and that CONNECTORS_SIGNATURE_KEY / CONNECTORS_VERIFY_KEYS match the signer, then retry.',
        keyProblem: false,
      };
    case 'MAP_EXPIRED':
      return {
        title,
        cause: 'The service map has expired and no fresh one arrived.',
        fix: 'Check that asbr is running and re-signing the map, then retry.',
        keyProblem: false,
      };
    case 'INVALID_DATA':
      return {
        title,
        cause: 'The server answered with data the widget does not understand.',
        fix: 'Make sure the widget and the connectors server come from the same release.',
        keyProblem: false,
      };
    case 'EVENT_TOO_LARGE':
      return {
        title,
        cause: 'The live status stream sent an event larger than the widget accepts.',
        fix: 'Look at the connectors server logs for the oversized event; the widget reconnects by itself.',
        keyProblem: false,
      };
    case 'HOST':
      return {
        title,
        cause: 'The host did not deliver the connectors_dashboard tool result.',
        fix: 'Check that the connectors MCP server is connected in this host and retry.',
        keyProblem: false,
      };
    case 'SERVER':
    case 'TOOL':
    case 'ABORTED':
      return {
        title,
        cause: `The connectors server failed (${error.serverCode ?? `HTTP ${error.status ?? '?'}`}).`,
        fix: 'Look at the connectors server logs for this traceId, then retry.',
        keyProblem: false,
      };
  }
}
