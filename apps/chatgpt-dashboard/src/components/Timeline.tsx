import type { AvailabilitySpan } from '../types.js';

/** `HH:MM` UTC of an epoch ms. */
export function hhmm(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 16);
}

/** One-line description of a span, e.g. `offline 10:42–10:45 UTC`. */
export function spanText(s: AvailabilitySpan): string {
  return `${s.state} ${hhmm(s.from)}–${hhmm(s.to)} UTC`;
}

/** Availability over the window as coloured spans; every span has a text title. */
export function Timeline({
  spans,
  from,
  to,
  name,
}: {
  spans: AvailabilitySpan[];
  from: number;
  to: number;
  name: string;
}): React.JSX.Element {
  const total = Math.max(1, to - from);
  const label = `${name} availability: ${spans.map(spanText).join(', ')}`;
  return (
    <svg className="timeline" viewBox="0 0 300 12" preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      {spans.map((s) => (
        <rect
          key={`${s.from}-${s.state}`}
          className={`span-${s.state}`}
          data-state={s.state}
          x={((s.from - from) / total) * 300}
          width={Math.max(1, ((s.to - s.from) / total) * 300)}
          y="0"
          height="12"
        >
          <title>{spanText(s)}</title>
        </rect>
      ))}
    </svg>
  );
}
