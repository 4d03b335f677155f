import type { ConnectorTraffic } from '../types.js';

const W = 300;
const H = 80;

/** Calls per minute as bars (errors and offline fallbacks stacked in their colours), p95 latency as a line. */
export function TrafficChart({ traffic: c }: { traffic: ConnectorTraffic }): React.JSX.Element {
  const n = Math.max(1, c.points.length);
  const maxCalls = Math.max(1, ...c.points.map((p) => p.calls));
  const maxP95 = Math.max(1, ...c.points.map((p) => p.p95Ms ?? 0));
  const bw = W / n;
  const y = (v: number): number => (v / maxCalls) * (H - 4);
  const line = c.points
    .map((p, i) => (p.p95Ms === null ? null : `${(i + 0.5) * bw},${H - (p.p95Ms / maxP95) * (H - 4)}`))
    .filter((pt): pt is string => pt !== null)
    .join(' ');
  const label = `${c.displayName}: ${c.totals.calls} calls in ${c.points.length} min, ${c.totals.errors} errors, ${c.totals.offline} offline fallbacks, p50 ${ms(c.totals.p50Ms)}, p95 ${ms(c.totals.p95Ms)}`;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-calls={c.totals.calls}
    >
      <title>{label}</title>
      <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="axis" />
      {c.points.map((p, i) => (
        <g key={p.t}>
          <rect className="bar-calls" x={i * bw + 1} width={bw - 2} y={H - y(p.calls)} height={y(p.calls)} />
          <rect
            className="bar-errors"
            x={i * bw + 1}
            width={bw - 2}
            y={H - y(p.errors)}
            height={y(p.errors)}
          />
          <rect
            className="bar-offline"
            x={i * bw + 1}
            width={bw - 2}
            y={H - y(p.errors + p.offline)}
            height={y(p.offline)}
          />
        </g>
      ))}
      {line ? <polyline className="p95" points={line} fill="none" /> : null}
    </svg>
  );
}

/** Milliseconds as text (`–` without samples). */
export function ms(value: number | null): string {
  return value === null ? '–' : `${value} ms`;
}
