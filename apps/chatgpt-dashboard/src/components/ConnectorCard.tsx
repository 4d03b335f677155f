import type { ConnectorStatus } from '../types.js';
import { formatUtcTime } from '../lib/mapHealth.js';
import { StatusPill } from './StatusPill.js';

/** Props of one connector card. */
export interface ConnectorCardProps {
  connector: ConnectorStatus;
  /** Opens the "Try it" form on this connector; omitted when the connector has no tools. */
  onTry?: (connectorId: string) => void;
}

/** One connector: name, id, version, availability, enabled state, scopes, quotas and use, last error. */
export function ConnectorCard({ connector: c, onTry }: ConnectorCardProps): React.JSX.Element {
  const headingId = `connector-${c.id}`;
  return (
    <article className="card" aria-labelledby={headingId} data-connector={c.id}>
      <div className="card-head">
        <h3 id={headingId}>{c.displayName}</h3>
        <StatusPill availability={c.status === 'disabled' ? 'disabled' : c.availability} />
      </div>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{c.id}</code>
        </dd>
        <dt>Version</dt>
        <dd>{c.version}</dd>
        <dt>State</dt>
        <dd className={c.enabled ? 'state-on' : 'state-off'}>{c.enabled ? 'enabled' : 'disabled'}</dd>
        <dt>Scopes</dt>
        <dd>{c.scopes.length > 0 ? c.scopes.join(', ') : 'none'}</dd>
        <dt>Quota use</dt>
        <dd>
          {c.quotaUse.minute} / {c.quotas.perMinute} per minute · {c.quotaUse.hour} / {c.quotas.perHour} per
          hour
        </dd>
      </dl>
      {c.lastError ? <LastError error={c.lastError} recovered={c.availability === 'online'} /> : null}
      {onTry && c.enabled && c.tools.length > 0 ? (
        <button
          type="button"
          className="secondary"
          onClick={() => onTry(c.id)}
          aria-label={`Try it: ${c.displayName}`}
        >
          Try it
        </button>
      ) : null}
    </article>
  );
}

/**
 * The connector's last error: an alert-coloured line while it is not online; once it is online again,
 * a muted "Recovered" note with the time, so an old failure does not read as a current one.
 */
function LastError({
  error,
  recovered,
}: {
  error: NonNullable<ConnectorStatus['lastError']>;
  recovered: boolean;
}): React.JSX.Element {
  const at = error.at ? ` at ${formatUtcTime(error.at)}` : '';
  return recovered ? (
    <p className="last-error recovered">
      <strong>Recovered</strong> from <span>{error.message}</span> <code>{error.code}</code>
      {at}
    </p>
  ) : (
    <p className="last-error">
      <strong>Last error:</strong> <span>{error.message}</span> <code>{error.code}</code>
      {at}
    </p>
  );
}
