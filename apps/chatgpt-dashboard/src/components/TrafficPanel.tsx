import { useEffect, useState } from 'react';
import type { ConnectorTraffic, TrafficPoint, TrafficReport, TrafficSource } from '../types.js';
import { DataTable, type Column } from './DataTable.js';
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

const POINT_COLUMNS: ReadonlyArray<Column<TrafficPoint>> = [
  { header: 'Minute (UTC)', cell: (p) => hhmm(p.t) },
  { header: 'Calls', cell: (p) => p.calls },
  { header: 'Errors', cell: (p) => p.errors },
  { header: 'Offline', cell: (p) => p.offline },
  { header: 'p50', cell: (p) => ms(p.p50Ms) },
  { header: 'p95', cell: (p) => ms(p.p95Ms) },
];

function TrafficTable({ traffic: c }: { traffic: ConnectorTraffic }): React.JSX.Element {
  return (
    <DataTable
      label={`${c.displayName} traffic table`}
      caption={`${c.displayName} per minute; availability: ${c.timeline.map(spanText).join(', ')}`}
      columns={POINT_COLUMNS}
      rows={c.points}
      rowKey={(p) => p.t}
    />
  );
}
