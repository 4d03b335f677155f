import { useCallback, useMemo, useState } from 'react';
import { createBrowserAdapter } from '../adapters/browser.js';
import type { DashboardError } from '../lib/errors.js';
import type { KeyStore } from '../lib/keyStore.js';
import { Dashboard } from './Dashboard.js';
import { KeyForm } from './KeyForm.js';

/** Props of the plain-browser root. */
export interface BrowserRootProps {
  baseUrl: string;
  keyStore: KeyStore;
  fetch?: typeof fetch;
}

/**
 * Browser host: uses the key from sessionStorage (or none, for `NO_AUTH` servers); a 401 without a key, or
 * "Change API key", shows the key form.
 */
export function BrowserRoot({ baseUrl, keyStore, fetch }: BrowserRootProps): React.JSX.Element {
  const [apiKey, setApiKey] = useState<string | null>(() => keyStore.get());
  const [askReason, setAskReason] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const adapter = useMemo(() => createBrowserAdapter({ baseUrl, apiKey, fetch }), [baseUrl, apiKey, fetch]);

  const onError = useCallback(
    (error: DashboardError) => {
      if (error.code === 'UNAUTHORIZED' && apiKey === null) setAsking(true);
    },
    [apiKey],
  );
  const changeKey = useCallback(() => {
    keyStore.clear();
    setAskReason(null);
    setAsking(true);
  }, [keyStore]);

  if (asking) {
    return (
      <KeyForm
        reason={askReason ?? undefined}
        onSubmit={(key) => {
          keyStore.set(key);
          setApiKey(key);
          setAsking(false);
        }}
      />
    );
  }
  return <Dashboard key={apiKey ?? ''} adapter={adapter} onChangeKey={changeKey} onError={onError} />;
}
