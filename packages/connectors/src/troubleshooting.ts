import type { BundleState } from './bundle.js';
import { WIDGET_BUILD_COMMAND } from './bundle.js';
import { sha256Source, strictCsp } from './csp.js';

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Inline stylesheet of the troubleshooting page (its hash goes into the page's CSP). */
export const TROUBLESHOOTING_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 16px;color:#1b1d21}' +
  'h1{font-size:1.4rem}code,pre{font-family:ui-monospace,monospace}pre{background:#f6f7f9;border:1px solid #8a9099;padding:12px;border-radius:6px;white-space:pre-wrap}' +
  '.detail{color:#8a1c12}';

/** CSP header of the troubleshooting page, computed once (its only inline block is {@link TROUBLESHOOTING_STYLE}). */
export const TROUBLESHOOTING_CSP = strictCsp({ style: [sha256Source(TROUBLESHOOTING_STYLE)] });

/** Branded HTTP 503 page shown instead of the widget when its bundle is missing or stale. */
export function troubleshootingPage(state: Exclude<BundleState, { ok: true }>): string {
  const title =
    state.reason === 'missing' ? 'the dashboard bundle is not built' : 'the dashboard bundle is out of date';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>brAInwav connectors — dashboard unavailable</title><style>${TROUBLESHOOTING_STYLE}</style></head>
<body><main>
<h1>brAInwav: ${title}</h1>
<p class="detail">${escapeHtml(state.detail)}</p>
<p>Rebuild it from the repository root, then reload this page:</p>
<pre><code>${escapeHtml(WIDGET_BUILD_COMMAND)}</code></pre>
<p>Or run <code>npm start</code>, which builds every package before starting the stack.</p>
<p>Error code: <code>BUNDLE_MISSING</code> (HTTP 503).</p>
</main></body></html>
`;
}
