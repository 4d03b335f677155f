import { createRoot } from 'react-dom/client';
import { createOpenAiAdapter, type OpenAiBridge } from './adapters/openai.js';
import { detectHost } from './adapters/detect.js';
import { BrowserRoot } from './components/BrowserRoot.js';
import { Dashboard } from './components/Dashboard.js';
import { Troubleshooting } from './components/Troubleshooting.js';
import { toDashboardError } from './lib/errors.js';
import { createKeyStore } from './lib/keyStore.js';
import { startLcpBeacon } from './lib/lcp.js';

async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) return;
  const root = createRoot(container);
  const win = window as Window & { openai?: OpenAiBridge };
  const host = detectHost(win);
  if (host === 'chatgpt' && win.openai) {
    root.render(<Dashboard adapter={createOpenAiAdapter(win.openai)} />);
  } else if (host === 'mcp-apps') {
    try {
      const { createMcpAppsAdapter } = await import(
        /* webpackChunkName: "mcp-apps" */ './adapters/mcpApps.js'
      );
      root.render(<Dashboard adapter={await createMcpAppsAdapter()} />);
    } catch (error) {
      root.render(
        <main className="dash">
          <h1>brAInwav connectors</h1>
          <Troubleshooting error={toDashboardError(error)} onRetry={() => window.location.reload()} />
        </main>,
      );
    }
  } else {
    const baseUrl = new URL('/', window.location.href).toString();
    root.render(<BrowserRoot baseUrl={baseUrl} keyStore={createKeyStore()} />);
    startLcpBeacon({ baseUrl });
  }
}

void start();
