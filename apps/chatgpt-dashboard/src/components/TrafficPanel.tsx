import { useEffect, useState } from 'react';
import type { ConnectorTraffic, TrafficReport, TrafficSource } from '../types.js';
import { RecentCalls } from './RecentCalls.js';
import { TrafficChart, ms } from './TrafficChart.js';
import { Timeline, hhmm, spanText } from './Timeline.js';

/** Live traffic: per connector a chart, quota burn and availability timeline; a table view; recent calls. */
export function TrafficPanel({ source }: { source: TrafficSource }): React.JSX.Element {
  const [windowMinutes, setWindowMinutes] = useState<15 | 60>(15);
  const [table, setTable] = useState(false);
  const [report, setReport] = useState<TrafficReport | null>(null);
  useEffect(() => source.traffic(windowMinutes, setReport), [source, windowMinutes]);
  return (
    <section aria-labelledby="traffic-title" className="traffic">
      <h2 id="traffic-title">Traffic</h2>
      <div className="actions" role="group" aria-label="Traffic view">
        {([15, 60] as const).map((w) => (
          <button
            key={w}
            type="button"
            className="secondary"
            aria-pressed={windowMinutes === w}
            onClick={() => setWindowMinutes(w)}
          >
            {w === 15 ? '15 min' : '1 h'}
          </button>
        ))}
        <button type="button" className="secondary" aria-pressed={table} onClick={() => setTable(!table)}>
          Table view
        </button>
      </div>
      {report ? (
        <>
          <ul className="cards">
            {report.connectors.map((c) => (
              <li key={c.id}>
                <article className="card" data-traffic={c.id} aria-label={`${c.displayName} traffic`}>
                  <h3>{c.displayName}</h3>
                  {table ? <TrafficTable traffic={c} /> : <TrafficChart traffic={c} />}
                  <p className="traffic-meta">
                    {c.totals.calls} calls · {c.totals.errors} errors · {c.totals.offline} offline · p50{' '}
                    {ms(c.totals.p50Ms)} · p95 {ms(c.totals.p95Ms)}
                  </p>
                  <p className="traffic-meta">{quotaText(c)}</p>
                  <Timeline spans={c.timeline} from={report.from} to={report.to} name={c.displayName} />
                </article>
              </li>
            ))}
          </ul>
          <RecentCalls calls={report.recent} connectorIds={report.connectors.map((c) => c.id)} />
        </>
      ) : (
        <p>Loading traffic…</p>
      )}
    </section>
  );
}

function quotaText(c: ConnectorTraffic): string {
  const q = c.quota;
  const left = (sec: number | null, what: string): string =>
    sec === null ? '' : sec === 0 ? ` · ${what} budget exhausted` : ` · ${what} budget out in ${sec} s`;
  return `Quota ${q.minuteUse}/${q.perMinute} per minute, ${q.hourUse}/${q.perHour} per hour · burn ${q.burnPerMinute}/min${left(q.minuteExhaustsInSec, 'minute')}${left(q.hourExhaustsInSec, 'hour')}`;
}

function TrafficTable({ traffic: c }: { traffic: ConnectorTraffic }): React.JSX.Element {
  return (
    <div className="scroll" tabIndex={0} role="region" aria-label={`${c.displayName} traffic table`}>
      <table>
        <caption>
          {c.displayName} per minute; availability: {c.timeline.map(spanText).join(', ')}
        </caption>
        <thead>
          <tr>
            <th scope="col">Minute (UTC)</th>
            <th scope="col">Calls</th>
            <th scope="col">Errors</th>
            <th scope="col">Offline</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          {c.points.map((p) => (
            <tr key={p.t}>
              <td>{hhmm(p.t)}</td>
              <td>{p.calls}</td>
              <td>{p.errors}</td>
              <td>{p.offline}</td>
              <td>{ms(p.p50Ms)}</td>
              <td>{ms(p.p95Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
