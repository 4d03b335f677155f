import type { ConnectorError, MapHealth, MapHealthState } from '../types.js';
import { verifyFix } from './troubleshooting.js';

const STATES: readonly MapHealthState[] = ['fresh', 'stale', 'refused', 'expired'];

/** Map health of a server that does not report it. */
export const FRESH_MAP: Readonly<MapHealth> = Object.freeze({ state: 'fresh', lastError: null });

const isObj = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseError(value: unknown): ConnectorError | null {
  if (!isObj(value)) return null;
  const code = typeof value.code === 'string' ? value.code : 'ERROR';
  const message = typeof value.message === 'string' ? value.message : '';
  return typeof value.at === 'string' && value.at !== ''
    ? { code, message, at: value.at }
    : { code, message };
}

/**
 * Parses the `mapHealth` field (or the `map-health` SSE payload). A missing or unrecognised value is `fresh`,
 * so servers that predate the field keep working.
 * @param value - `body.mapHealth` or the event data.
 */
export function parseMapHealth(value: unknown): MapHealth {
  if (!isObj(value) || !STATES.includes(value.state as MapHealthState)) return FRESH_MAP;
  return { state: value.state as MapHealthState, lastError: parseError(value.lastError) };
}

/** Cause and fix shown on the map-health troubleshooting card. */
export interface MapHealthDiagnosis {
  title: string;
  cause: string;
  fix: string;
}

/**
 * Formats an ISO instant as `HH:MM:SS UTC` (unambiguous for operators in any time zone).
 * @param iso - an ISO-8601 timestamp; returned unchanged when it cannot be parsed.
 */
export function formatUtcTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

function errorText(error: ConnectorError | null): string {
  return error
    ? ` Last error: ${error.code}${error.message ? ` (${error.message})` : ''}${error.at ? ` at ${formatUtcTime(error.at)}` : ''}.`
    : '';
}

/**
 * Explains a map health that is not `fresh` (cause and fix), or returns `null` when the map is fresh.
 * @param health - the parsed map health.
 * @param expiresAt - expiry of the map the dashboard shows (ISO), named in the stale explanation.
 */
export function diagnoseMapHealth(health: MapHealth, expiresAt: string): MapHealthDiagnosis | null {
  const code = health.lastError?.code;
  switch (health.state) {
    case 'fresh':
      return null;
    case 'stale':
      return {
        title: 'brAInwav: asbr is unreachable; showing the last verified map',
        cause: `The connectors server cannot reach asbr at ASBR_URL.${errorText(health.lastError)}`,
        fix: `Start asbr (npm start). The dashboard shows the last verified map until it expires at ${formatUtcTime(expiresAt)}.`,
      };
    case 'refused':
      return {
        title: 'brAInwav: the fetched service map was refused',
        cause: `The service map asbr served failed verification (${code ?? 'verification failed'}); the last good map is kept.${errorText(health.lastError)}`,
        fix: `Check CONNECTORS_VERIFY_KEYS / key rotation. ${verifyFix(code) ?? 'The verifier must hold the key asbr signs with.'}`,
      };
    case 'expired':
      return {
        title: 'brAInwav: no valid map',
        cause: `There is no valid map: the held service map expired without a verified replacement, so connectors are unavailable.${errorText(health.lastError)}`,
        fix: 'Start asbr (npm start) and check that it re-signs the map with a key listed in CONNECTORS_VERIFY_KEYS; the dashboard recovers on its own.',
      };
  }
}
