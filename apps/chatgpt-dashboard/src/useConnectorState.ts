import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError, toDashboardError, type DashboardError } from './lib/errors.js';
import { applyAvailability, applyQuota, describeChanges, refreshDelay } from './lib/state.js';
import type { ConnectorStatus, DashboardData, DashboardEvent, HostAdapter, Theme } from './types.js';

/** Options of `useConnectorState`. */
export interface ConnectorStateOptions {
  /** Clock in epoch milliseconds (default `Date.now`); inject for tests. */
  now?: () => number;
}

/** What `useConnectorState` exposes to the dashboard. */
export interface ConnectorState {
  data: DashboardData | null;
  statuses: ConnectorStatus[];
  loading: boolean;
  error: DashboardError | null;
  /** Latest aria-live announcement of a status change. */
  announcement: string;
  /** Live stream state in the browser host. */
  connection: 'open' | 'reconnecting' | 'failed' | 'idle';
  /** Why the live stream is reconnecting (e.g. `EVENT_TOO_LARGE`), `null` while it is open. */
  connectionError: DashboardError | null;
  theme: Theme | undefined;
  /** Fetches now, aborting any request in flight. */
  refresh: () => Promise<void>;
}

/**
 * Holds the connectors' statuses for one host adapter: loads the initial data, subscribes to live events,
 * refreshes when half the map TTL has elapsed (never before), and aborts an older refresh when a newer one
 * starts. Errors are branded `DashboardError`s.
 * @param adapter - the detected host adapter.
 * @param options - `now` clock for tests.
 */
export function useConnectorState(adapter: HostAdapter, options: ConnectorStateOptions = {}): ConnectorState {
  const now = options.now ?? Date.now;
  const nowRef = useRef(now);
  nowRef.current = now;
  const [data, setDataState] = useState<DashboardData | null>(null);
  const [receivedAt, setReceivedAt] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<DashboardError | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [connection, setConnection] = useState<ConnectorState['connection']>('idle');
  const [connectionError, setConnectionError] = useState<DashboardError | null>(null);
  const [theme, setTheme] = useState<Theme | undefined>(() => adapter.theme());
  const controllerRef = useRef<AbortController | null>(null);
  const dataRef = useRef<DashboardData | null>(null);

  /** Stores new data; `fresh` marks a full body (restarts the TTL clock), not a patch from an event. */
  const accept = useCallback((next: DashboardData, fresh = true) => {
    const changes = describeChanges(dataRef.current, next);
    if (changes.length > 0) setAnnouncement(changes.join('. '));
    dataRef.current = next;
    setDataState(next);
    if (fresh) {
      setReceivedAt(nowRef.current());
      setError(null);
      setLoading(false);
    }
  }, []);

  const refresh = useCallback(async () => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setLoading(true);
    try {
      const next = await adapter.refresh(controller.signal);
      if (!controller.signal.aborted) accept(next);
    } catch (failure) {
      if (controller.signal.aborted || isAbortError(failure)) return;
      setError(toDashboardError(failure));
      setLoading(false);
    }
  }, [adapter, accept]);

  const onEvent = useCallback(
    (event: DashboardEvent) => {
      const current = dataRef.current;
      switch (event.type) {
        case 'snapshot':
          return accept(event.data);
        case 'availability':
        case 'quota':
          if (current)
            accept(
              event.type === 'availability'
                ? applyAvailability(current, event.data)
                : applyQuota(current, event.data),
              false,
            );
          return;
        case 'map-health':
          if (current) accept({ ...current, mapHealth: event.data }, false);
          return;
        case 'map-updated':
          if (!current || current.mapVersion !== event.data.mapVersion) void refresh();
          return;
        case 'theme':
          return setTheme(event.theme);
        case 'connection':
          setConnection(event.state);
          if (event.state === 'open') setConnectionError(null);
          else if (event.error) setConnectionError(toDashboardError(event.error));
          if (event.state === 'failed' && event.error) setError(toDashboardError(event.error));
          return;
      }
    },
    [accept, refresh],
  );

  useEffect(() => {
    let cancelled = false;
    const unsubscribe = adapter.subscribe(onEvent);
    adapter.getInitialData().then(
      (initial) => {
        if (cancelled) return;
        if (initial) accept(initial);
        else void refresh();
      },
      (failure: unknown) => {
        if (cancelled) return;
        setError(toDashboardError(failure));
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
      unsubscribe();
      controllerRef.current?.abort();
    };
  }, [adapter, accept, onEvent, refresh]);

  const generatedAt = data?.generatedAt;
  const expiresAt = data?.expiresAt;
  useEffect(() => {
    if (generatedAt === undefined || expiresAt === undefined) return undefined;
    const delay = refreshDelay({ generatedAt, expiresAt }, receivedAt, nowRef.current());
    const timer = setTimeout(() => void refresh(), delay);
    return () => clearTimeout(timer);
  }, [generatedAt, expiresAt, receivedAt, refresh]);

  return {
    data,
    statuses: data?.connectors ?? [],
    loading,
    error,
    announcement,
    connection,
    connectionError,
    theme,
    refresh,
  };
}
