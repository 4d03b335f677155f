// @vitest-environment node
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeData } from '../support/fixtures.js';
import { ensureBuilt, launchChromium, saveScreenshot } from './browser.js';
import { buildHostBundle, startHostPageServer, type HostPageServer } from './mcpHostPage.js';

let browser: Browser;
let host: HostPageServer;

beforeAll(async () => {
  await ensureBuilt();
  host = await startHostPageServer(await buildHostBundle(), makeData(4));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('dist/mcp-app.html inside an MCP Apps host (ext-apps AppBridge) in real Chromium', () => {
  it('renders the statuses from the delivered tool result, follows the host theme and calls tools via the host', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 1500 } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(`${host.url}/host.html`);
      const frame = page.frameLocator('iframe[title="brAInwav connectors widget"]');
      await frame.getByRole('heading', { name: 'Connectors (4)' }).waitFor({ timeout: 30_000 });
      const pills = await frame
        .getByRole('img', { name: /^Availability:/ })
        .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
      expect(pills).toEqual([
        'Availability: online',
        'Availability: offline',
        'Availability: disabled',
        'Availability: online',
      ]);
      expect(await frame.locator('html').getAttribute('data-theme')).toBe('dark');

      await frame.getByLabel(/^message/).fill('from the host');
      await frame.getByRole('button', { name: 'Run' }).click();
      await expect
        .poll(() => frame.getByLabel('Tool result').textContent(), { timeout: 15_000 })
        .toBe('echo via host: from the host');
      const calls = await page.evaluate(() =>
        (window as unknown as { __host: { calls: Array<{ name: string }> } }).__host.calls.map((c) => c.name),
      );
      expect(calls).toEqual(['alpha__echo']);
      expect(host.requests).toEqual(['/host.html', '/host.js', '/mcp-app.html']);
      expect(errors).toEqual([]);
      await saveScreenshot(page, 'mcp-apps-host');
    } finally {
      await context.close();
    }
  });
});
