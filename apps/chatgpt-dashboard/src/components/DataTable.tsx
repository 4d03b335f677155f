import type { HTMLAttributes, ReactNode } from 'react';

/** One column of a {@link DataTable}: its header and how a row fills its cell. */
export interface Column<R> {
  readonly header: string;
  readonly cell: (row: R) => ReactNode;
}

/**
 * A keyboard-scrollable table region (`role="region"`, focusable, labelled) with column headers: the text
 * alternative of the charts and the recent-calls list.
 */
export function DataTable<R>({
  label,
  caption,
  columns,
  rows,
  rowKey,
  rowProps,
}: {
  label: string;
  caption?: ReactNode;
  columns: ReadonlyArray<Column<R>>;
  rows: readonly R[];
  rowKey: (row: R) => string | number;
  /** Extra attributes of a row (e.g. `data-*` hooks). */
  rowProps?: (row: R) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
}): React.JSX.Element {
  return (
    <div className="scroll" tabIndex={0} role="region" aria-label={label}>
      <table>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowProps?.(row)}>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A labelled `<select>` filter whose first option, `all`, is the empty value. */
export function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}): React.JSX.Element {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </>
  );
}
