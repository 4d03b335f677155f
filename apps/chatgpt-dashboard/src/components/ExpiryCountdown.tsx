import { useEffect, useState } from 'react';

/**
 * Formats the time left until `expiresAt` as "4 min 05 s" / "expired".
 * @param msLeft - milliseconds until expiry.
 */
export function formatRemaining(msLeft: number): string {
  if (msLeft <= 0) return 'expired';
  const total = Math.ceil(msLeft / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes} min ${String(seconds).padStart(2, '0')} s` : `${seconds} s`;
}

/** Map expiry countdown, ticking once a second (not announced to screen readers on every tick). */
export function ExpiryCountdown({
  expiresAt,
  now,
}: {
  expiresAt: string;
  now: () => number;
}): React.JSX.Element {
  const [current, setCurrent] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setCurrent(now()), 1000);
    return () => clearInterval(timer);
  }, [now]);
  const left = Date.parse(expiresAt) - current;
  return (
    <time dateTime={expiresAt} className={left <= 0 ? 'expired' : undefined}>
      {left <= 0 ? 'map expired' : `map expires in ${formatRemaining(left)}`}
    </time>
  );
}
