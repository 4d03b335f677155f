import { diagnoseMapHealth } from '../lib/mapHealth.js';
import { AlertCard } from './AlertCard.js';
import type { MapHealth } from '../types.js';

/** Props of the map-health card. */
export interface MapHealthCardProps {
  health: MapHealth;
  /** Expiry of the map on screen (ISO), named when the map is stale. */
  expiresAt: string;
  onRetry?: () => void;
}

/**
 * `role="alert"` troubleshooting card for a map that is not fresh (asbr unreachable, map refused or expired),
 * naming the cause and the fix. Renders nothing for a fresh map.
 */
export function MapHealthCard({ health, expiresAt, onRetry }: MapHealthCardProps): React.JSX.Element | null {
  const d = diagnoseMapHealth(health, expiresAt);
  if (!d) return null;
  return (
    <AlertCard titleId="map-health-title" content={d} data-map-health={health.state}>
      {onRetry ? (
        <div className="actions">
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      ) : null}
    </AlertCard>
  );
}
