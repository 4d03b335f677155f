import { useState } from 'react';

/** Props of the API key form. */
export interface KeyFormProps {
  onSubmit: (key: string) => void;
  /** Branded reason the key is asked for again (e.g. it was rejected). */
  reason?: string;
}

/** Asks once for the connectors API key; the caller keeps it in sessionStorage, never in the URL. */
export function KeyForm({ onSubmit, reason }: KeyFormProps): React.JSX.Element {
  const [key, setKey] = useState('');
  return (
    <main className="dash">
      <div className="top">
        <h1>brAInwav connectors</h1>
      </div>
      <form
        className="keyform"
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onSubmit(key.trim());
        }}
      >
        <h2>Connect to the connectors server</h2>
        {reason ? (
          <p className="error" role="alert">
            {reason}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="off"
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-describedby="api-key-hint"
          />
          <p id="api-key-hint" className="hint">
            The value of CONNECTORS_API_KEY. Kept in this tab&apos;s session storage only.
          </p>
        </div>
        <button type="submit">Connect</button>
      </form>
    </main>
  );
}
