import { useState } from 'react';
import type { RecentCall } from '../types.js';

const OUTCOMES = ['ok', 'error', 'offline', 'quota_exceeded', 'failed', 'cancelled', 'denied'];

/** The last 50 calls (time, principal, connector, tool, outcome, duration), filterable by connector and outcome. */
export function RecentCalls({
  calls,
  connectorIds,
}: {
  calls: RecentCall[];
  connectorIds: string[];
}): React.JSX.Element {
  const [connector, setConnector] = useState('');
  const [outcome, setOutcome] = useState('');
  const rows = calls.filter(
    (c) => (!connector || c.connectorId === connector) && (!outcome || c.outcome === outcome),
  );
  return (
    <section aria-labelledby="recent-title" className="recent">
      <h3 id="recent-title">Recent calls ({rows.length})</h3>
      <div className="filters">
        <label htmlFor="recent-connector">Calls by connector</label>
        <select id="recent-connector" value={connector} onChange={(e) => setConnector(e.target.value)}>
          <option value="">all</option>
          {connectorIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label htmlFor="recent-outcome">Calls by outcome</label>
        <select id="recent-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">all</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div className="scroll" tabIndex={0} role="region" aria-label="Recent calls table">
        <table>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Principal</th>
              <th scope="col">Connector</th>
              <th scope="col">Tool</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-call={c.connectorId} data-outcome={c.outcome}>
                <td>{c.at.slice(11, 19)}</td>
                <td>
                  <code>{c.callerId}</code>
                </td>
                <td>{c.connectorId}</td>
                <td>{c.tool}</td>
                <td>{c.outcome}</td>
                <td>{c.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
