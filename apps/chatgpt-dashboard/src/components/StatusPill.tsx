import type { Availability } from '../types.js';

const ICONS: Record<Availability | 'disabled', string> = {
  online: '●',
  offline: '✕',
  degraded: '▲',
  unknown: '?',
  disabled: '○',
};

/**
 * Availability pill (`disabled` for a connector the map disables, never `unknown`): an icon shape and the word, plus an `aria-label`, so the state never relies on colour.
 */
export function StatusPill({ availability }: { availability: Availability | 'disabled' }): React.JSX.Element {
  return (
    <span
      className={`pill pill-${availability}`}
      role="img"
      aria-label={`Availability: ${availability}`}
      data-availability={availability}
    >
      <span aria-hidden="true">{ICONS[availability]}</span> {availability}
    </span>
  );
}
