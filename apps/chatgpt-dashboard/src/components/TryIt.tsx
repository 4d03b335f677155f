import { useEffect, useMemo, useRef, useState } from 'react';
import { DashboardError, isAbortError, toDashboardError } from '../lib/errors.js';
import { argumentsFromValues, fieldsFromSchema } from '../lib/schemaForm.js';
import type { ConnectorStatus, HostAdapter, ToolCallResult } from '../types.js';
import { SchemaFields } from './SchemaFields.js';

/** Props of the "Try it" panel (loaded as a separate chunk). */
export interface TryItProps {
  adapter: HostAdapter;
  connectors: ConnectorStatus[];
  /** Connector picked from a card; `nonce` changes on every pick so focus moves again. */
  target?: { connectorId: string; nonce: number };
}

function resultText(result: ToolCallResult): string {
  const texts = result.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text);
  if (texts.length > 0) return texts.join('\n');
  return JSON.stringify(result.structuredContent ?? result.content, null, 2);
}

/** "Try it": pick a connector and one of its tools, fill the generated form, run it, show the result or error. */
export function TryIt({ adapter, connectors, target }: TryItProps): React.JSX.Element {
  const usable = connectors.filter((c) => c.enabled && c.tools.length > 0);
  const saved = useMemo(() => adapter.loadState?.() ?? null, [adapter]);
  const [connectorId, setConnectorId] = useState(saved?.connectorId ?? '');
  const [toolName, setToolName] = useState(saved?.tool ?? '');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ToolCallResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selectRef = useRef<HTMLSelectElement>(null);
  const controllerRef = useRef<AbortController | null>(null);

  const connector = usable.find((c) => c.id === connectorId) ?? usable[0];
  const tool = connector?.tools.find((t) => t.name === toolName) ?? connector?.tools[0];
  const fields = useMemo(() => fieldsFromSchema(tool?.inputSchema), [tool]);

  useEffect(() => {
    if (!target) return;
    setConnectorId(target.connectorId);
    setToolName('');
    selectRef.current?.focus();
  }, [target]);
  useEffect(() => () => controllerRef.current?.abort(), []);

  const select = (nextConnector: string, nextTool: string): void => {
    setConnectorId(nextConnector);
    setToolName(nextTool);
    setValues({});
    setResult(null);
    setError(null);
    adapter.saveState?.({ connectorId: nextConnector, tool: nextTool });
  };

  async function run(): Promise<void> {
    if (!connector || !tool) return;
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setRunning(true);
    setResult(null);
    setError(null);
    try {
      const args = argumentsFromValues(fields, values);
      const outcome = await adapter.callTool(connector.id, tool.name, args, controller.signal);
      if (controller.signal.aborted) return;
      if (outcome.isError) setError(new DashboardError('TOOL', resultText(outcome)).message);
      else setResult(outcome);
    } catch (failure) {
      if (!isAbortError(failure)) setError(toDashboardError(failure, 'TOOL').message);
    } finally {
      if (controllerRef.current === controller) setRunning(false);
    }
  }

  return (
    <section className="tryit" aria-labelledby="tryit-title">
      <h2 id="tryit-title">Try it</h2>
      {!connector || !tool ? (
        <p>No enabled connector has listed its tools yet.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
          aria-describedby={tool.description ? 'tool-description' : undefined}
        >
          <div className="field">
            <label htmlFor="try-connector">Connector</label>
            <select
              id="try-connector"
              ref={selectRef}
              value={connector.id}
              onChange={(e) => select(e.target.value, '')}
            >
              {usable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName} ({c.id})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="try-tool">Tool</label>
            <select id="try-tool" value={tool.name} onChange={(e) => select(connector.id, e.target.value)}>
              {connector.tools.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title ?? t.name}
                </option>
              ))}
            </select>
          </div>
          {tool.description ? (
            <p id="tool-description" className="hint">
              {tool.description}
            </p>
          ) : null}
          <fieldset>
            <legend>Arguments</legend>
            <SchemaFields
              fields={fields}
              values={values}
              onChange={(name, value) => setValues((v) => ({ ...v, [name]: value }))}
            />
          </fieldset>
          {/* type="button": sandboxed MCP Apps iframes without allow-forms block form submission. */}
          <button type="button" disabled={running} onClick={() => void run()}>
            {running ? 'Running…' : 'Run'}
          </button>
        </form>
      )}
      <div className="result" aria-live="polite">
        {result ? (
          <>
            <h3>Result</h3>
            <pre tabIndex={0} aria-label="Tool result">
              {resultText(result)}
            </pre>
          </>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
