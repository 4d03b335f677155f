import { lazy, Suspense, useEffect, useState } from 'react';
import type { DashboardError } from '../lib/errors.js';
import type { HostAdapter, TrafficSource } from '../types.js';
import { formatUtcTime } from '../lib/mapHealth.js';
import { useConnectorState } from '../useConnectorState.js';
import { ConnectorCard } from './ConnectorCard.js';
import { ExpiryCountdown } from './ExpiryCountdown.js';
import { MapHealthCard } from './MapHealthCard.js';
import { Troubleshooting } from './Troubleshooting.js';
import { TrafficPanel } from './TrafficPanel.js';

const TryIt = lazy(() =>
  import(/* webpackChunkName: "try-it" */ './TryIt.js').then((m) => ({ default: m.TryIt })),
);

/** Props of the dashboard. */
export interface DashboardProps {
  adapter: HostAdapter & Partial<TrafficSource>;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Browser host only: forget the API key and ask again. */
  onChangeKey?: () => void;
  /** Called with every error the dashboard shows (the browser host asks for a key on a first 401). */
  onError?: (error: DashboardError) => void;
}

/** The connectors health dashboard shared by the three hosts. */
export function Dashboard({
  adapter,
  now = Date.now,
  onChangeKey,
  onError,
}: DashboardProps): React.JSX.Element {
  const state = useConnectorState(adapter, { now });
  const { data, error, loading, theme } = state;
  const [target, setTarget] = useState<{ connectorId: string; nonce: number }>();
  // every host adapter is a traffic source: SSE in the browser, polling `connectors_dashboard` in the others
  const trafficSource = adapter.traffic ? (adapter as TrafficSource) : null;

  useEffect(() => {
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
  }, [theme]);
  useEffect(() => {
    if (error) onError?.(error);
  }, [error, onError]);

  return (
    <main className="dash" aria-busy={loading}>
      <div className="top">
        <h1>brAInwav connectors</h1>
        {data ? (
          <p className="meta">
            Manifest <strong>{data.manifestVersion}</strong> ·{' '}
            <span title={`map version ${data.mapVersion}`} data-map-version={data.mapVersion}>
              signed {formatUtcTime(data.generatedAt)}
            </span>{' '}
            · <ExpiryCountdown expiresAt={data.expiresAt} now={now} />
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => void state.refresh()} disabled={loading}>
            Refresh
          </button>
          {onChangeKey ? (
            <button type="button" className="secondary" onClick={onChangeKey}>
              Change API key
            </button>
          ) : null}
        </div>
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {state.announcement}
      </p>
      {state.connection === 'reconnecting' ? (
        <p className="hint">
          Live updates interrupted; reconnecting…
          {state.connectionError ? (
            <>
              {' '}
              <span>{state.connectionError.message}</span>
            </>
          ) : null}
        </p>
      ) : null}
      {error ? (
        <Troubleshooting error={error} onRetry={() => void state.refresh()} onChangeKey={onChangeKey} />
      ) : null}
      {!error && data?.mapHealth ? (
        <MapHealthCard
          health={data.mapHealth}
          expiresAt={data.expiresAt}
          onRetry={() => void state.refresh()}
        />
      ) : null}
      {error && data ? (
        <p className="hint">Showing the last loaded map (v{data.mapVersion}) until a fresh one loads.</p>
      ) : null}
      {loading && !data ? <p>Loading connectors…</p> : null}
      {data ? (
        <section aria-labelledby="connectors-title">
          <h2 id="connectors-title">Connectors ({data.connectors.length})</h2>
          <ul className="cards">
            {data.connectors.map((c) => (
              <li key={c.id}>
                <ConnectorCard
                  connector={c}
                  onTry={(connectorId) => setTarget({ connectorId, nonce: Date.now() })}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data && trafficSource ? <TrafficPanel source={trafficSource} /> : null}
      {data ? (
        <Suspense fallback={<p>Loading “Try it”…</p>}>
          <TryIt adapter={adapter} connectors={data.connectors} target={target} />
        </Suspense>
      ) : null}
    </main>
  );
}
