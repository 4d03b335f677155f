const STORAGE_KEY = 'brainwav.connectors.apiKey';

/** Where the browser host keeps the API key: this tab's sessionStorage only, never the URL or logs. */
export interface KeyStore {
  get(): string | null;
  set(key: string): void;
  clear(): void;
}

/**
 * Creates the sessionStorage-backed key store.
 * @param storage - defaults to `window.sessionStorage`.
 */
export function createKeyStore(storage: Storage = window.sessionStorage): KeyStore {
  return {
    get: () => storage.getItem(STORAGE_KEY),
    set: (key) => storage.setItem(STORAGE_KEY, key),
    clear: () => storage.removeItem(STORAGE_KEY),
  };
}
