import { useState } from 'react';
import type { RecentCall } from '../types.js';
import { DataTable, FilterSelect, type Column } from './DataTable.js';

const OUTCOMES = ['ok', 'error', 'offline', 'quota_exceeded', 'failed', 'cancelled', 'denied'];

const COLUMNS: ReadonlyArray<Column<RecentCall>> = [
  { header: 'Time (UTC)', cell: (c) => c.at.slice(11, 19) },
  { header: 'Principal', cell: (c) => <code>{c.callerId}</code> },
  { header: 'Connector', cell: (c) => c.connectorId },
  { header: 'Tool', cell: (c) => c.tool },
  { header: 'Outcome', cell: (c) => c.outcome },
  { header: 'Duration', cell: (c) => `${c.durationMs} ms` },
];

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
        <FilterSelect
          id="recent-connector"
          label="Calls by connector"
          value={connector}
          options={connectorIds}
          onChange={setConnector}
        />
        <FilterSelect
          id="recent-outcome"
          label="Calls by outcome"
          value={outcome}
          options={OUTCOMES}
          onChange={setOutcome}
        />
      </div>
      <DataTable
        label="Recent calls table"
        columns={COLUMNS}
        rows={rows}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-call': c.connectorId, 'data-outcome': c.outcome })}
      />
    </section>
  );
}
