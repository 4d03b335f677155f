import type { AvailabilityEvent, ConnectorStatus, DashboardData, QuotaEvent } from '../types.js';

/** Applies an `availability` event; returns the same object when nothing changed. */
export function applyAvailability(data: DashboardData, event: AvailabilityEvent): DashboardData {
  return updateConnector(data, event.connectorId, (c) =>
    c.availability === event.availability && !event.reason
      ? c
      : {
          ...c,
          availability: event.availability,
          lastError:
            event.availability === 'online' || !event.reason
              ? c.lastError
              : { code: 'UPSTREAM_UNAVAILABLE', message: event.reason, at: event.at },
        },
  );
}

/** Applies a `quota` event. */
export function applyQuota(data: DashboardData, event: QuotaEvent): DashboardData {
  return updateConnector(data, event.connectorId, (c) => ({ ...c, quotaUse: event.quotaUse }));
}

function updateConnector(
  data: DashboardData,
  id: string,
  fn: (c: ConnectorStatus) => ConnectorStatus,
): DashboardData {
  let changed = false;
  const connectors = data.connectors.map((c) => {
    if (c.id !== id) return c;
    const next = fn(c);
    changed ||= next !== c;
    return next;
  });
  return changed ? { ...data, connectors } : data;
}

/**
 * Sentences announcing availability changes between two snapshots, e.g. "Everything demo is now offline".
 * @param before - the previous data (no announcements when `null`).
 */
export function describeChanges(before: DashboardData | null, after: DashboardData): string[] {
  if (!before) return [];
  const old = new Map(before.connectors.map((c) => [c.id, c.availability]));
  return after.connectors
    .filter((c) => old.has(c.id) && old.get(c.id) !== c.availability)
    .map((c) => `${c.displayName} is now ${c.availability}`);
}

/**
 * Milliseconds until the next TTL-respecting refresh: half the map's TTL after the data arrived
 * (never less than `floorMs`).
 * @param data - the current map body (`generatedAt`/`expiresAt` give the TTL).
 * @param receivedAt - epoch ms when the data arrived.
 * @param now - epoch ms now.
 */
export function refreshDelay(
  data: Pick<DashboardData, 'generatedAt' | 'expiresAt'>,
  receivedAt: number,
  now: number,
  floorMs = 1000,
): number {
  const ttlMs = Math.max(0, Date.parse(data.expiresAt) - Date.parse(data.generatedAt));
  return Math.max(floorMs, receivedAt + ttlMs / 2 - now);
}
