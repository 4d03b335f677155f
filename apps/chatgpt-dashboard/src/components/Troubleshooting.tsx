import type { DashboardError } from '../lib/errors.js';
import { diagnose } from '../lib/troubleshooting.js';
import { AlertCard } from './AlertCard.js';

/** Props of the troubleshooting card. */
export interface TroubleshootingProps {
  error: DashboardError;
  onRetry?: () => void;
  /** Shown for key problems (401/403) in the browser host. */
  onChangeKey?: () => void;
}

/** `role="alert"` card naming why the verified map could not be loaded, and the fix. */
export function Troubleshooting({ error, onRetry, onChangeKey }: TroubleshootingProps): React.JSX.Element {
  const d = diagnose(error);
  return (
    <AlertCard titleId="trouble-title" content={d}>
      <p className="detail">{error.message}</p>
      <div className="actions">
        {onRetry ? (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        ) : null}
        {d.keyProblem && onChangeKey ? (
          <button type="button" className="secondary" onClick={onChangeKey}>
            Change API key
          </button>
        ) : null}
      </div>
    </AlertCard>
  );
}
