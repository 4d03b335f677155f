import { DashboardError } from './errors.js';
import { parseMapHealth } from './mapHealth.js';
import type {
  Availability,
  AvailabilityEvent,
  ConnectorStatus,
  DashboardData,
  MapUpdatedEvent,
  QuotaEvent,
  ToolInfo,
  TrafficReport,
} from '../types.js';

type Obj = Record<string, unknown>;

const AVAILABILITY: readonly Availability[] = ['online', 'offline', 'degraded', 'unknown'];

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const num = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

function invalid(what: string): DashboardError {
  return new DashboardError('INVALID_DATA', `unexpected connectors data: ${what}`);
}

/** Normalises an availability string; anything unknown becomes `unknown`. */
export function parseAvailability(value: unknown): Availability {
  return AVAILABILITY.includes(value as Availability) ? (value as Availability) : 'unknown';
}

function parseTool(value: unknown): ToolInfo | null {
  if (!isObj(value) || typeof value.name !== 'string') return null;
  const tool: ToolInfo = { name: value.name };
  if (typeof value.title === 'string') tool.title = value.title;
  if (typeof value.description === 'string') tool.description = value.description;
  if (isObj(value.inputSchema)) tool.inputSchema = value.inputSchema;
  return tool;
}

function parseLastError(value: unknown): ConnectorStatus['lastError'] {
  if (!isObj(value)) return null;
  return { code: str(value.code, 'ERROR'), message: str(value.message), at: str(value.at) || undefined };
}

function parseConnector(value: unknown, index: number): ConnectorStatus {
  if (!isObj(value) || typeof value.id !== 'string') throw invalid(`connectors[${index}] has no id`);
  const quotas = isObj(value.quotas) ? value.quotas : {};
  const use = isObj(value.quotaUse) ? value.quotaUse : {};
  const enabled = value.enabled !== false && value.status !== 'disabled';
  return {
    id: value.id,
    displayName: str(value.displayName, value.id),
    version: str(value.version, '?'),
    description: str(value.description) || undefined,
    endpoint: str(value.endpoint) || undefined,
    transport: str(value.transport) || undefined,
    scopes: Array.isArray(value.scopes) ? value.scopes.filter((s): s is string => typeof s === 'string') : [],
    enabled,
    status: enabled ? 'enabled' : 'disabled',
    statusMessage: str(value.statusMessage) || undefined,
    availability: enabled ? parseAvailability(value.availability) : 'unknown',
    breaker: str(value.breaker) || undefined,
    lastError: parseLastError(value.lastError),
    quotas: { perMinute: num(quotas.perMinute), perHour: num(quotas.perHour) },
    quotaUse: { minute: num(use.minute), hour: num(use.hour) },
    tools: Array.isArray(value.tools)
      ? value.tools.map(parseTool).filter((t): t is ToolInfo => t !== null)
      : [],
  };
}

/**
 * Validates a `GET /v1/connectors` body (or a tool's `structuredContent`) and applies safe defaults.
 * @throws DashboardError `INVALID_DATA` when required fields are missing.
 */
export function parseDashboardData(value: unknown): DashboardData {
  if (!isObj(value)) throw invalid('body is not an object');
  if (!Array.isArray(value.connectors)) throw invalid('connectors is not an array');
  if (typeof value.expiresAt !== 'string' || Number.isNaN(Date.parse(value.expiresAt)))
    throw invalid('expiresAt is missing');
  return {
    brand: str(value.brand, 'brAInwav'),
    manifestId: str(value.manifestId),
    manifestVersion: str(value.manifestVersion, '?'),
    mapVersion: num(value.mapVersion),
    generatedAt: str(value.generatedAt, new Date(0).toISOString()),
    expiresAt: value.expiresAt,
    connectors: value.connectors.map(parseConnector),
    mapHealth: parseMapHealth(value.mapHealth),
    ...(isTrafficReport(value.traffic) ? { traffic: value.traffic } : {}),
  };
}

/** Whether `value` looks like a traffic report (the `traffic` field a host-delivered tool result carries). */
export function isTrafficReport(value: unknown): value is TrafficReport {
  return isObj(value) && Array.isArray(value.connectors) && Array.isArray(value.recent);
}

/** Parses an `availability` SSE payload; `null` when malformed. */
export function parseAvailabilityEvent(value: unknown): AvailabilityEvent | null {
  if (!isObj(value) || typeof value.connectorId !== 'string') return null;
  return {
    connectorId: value.connectorId,
    availability: parseAvailability(value.availability),
    reason: str(value.reason) || undefined,
    at: str(value.at) || undefined,
  };
}

/** Parses a `quota` SSE payload; `null` when malformed. */
export function parseQuotaEvent(value: unknown): QuotaEvent | null {
  if (!isObj(value) || typeof value.connectorId !== 'string' || !isObj(value.quotaUse)) return null;
  return {
    connectorId: value.connectorId,
    quotaUse: { minute: num(value.quotaUse.minute), hour: num(value.quotaUse.hour) },
    exceeded: value.exceeded === true,
  };
}

/** Parses a `map-updated` SSE payload; `null` when malformed. */
export function parseMapUpdatedEvent(value: unknown): MapUpdatedEvent | null {
  if (!isObj(value)) return null;
  return {
    mapVersion: num(value.mapVersion),
    manifestVersion: str(value.manifestVersion),
    expiresAt: str(value.expiresAt),
  };
}
