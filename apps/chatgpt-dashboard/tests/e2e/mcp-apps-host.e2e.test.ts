// @vitest-environment node
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeData } from '../support/fixtures.js';
import type { HostCall, HostState } from './host/scripted.js';
import { ensureBuilt, launchChromium, runAxe, saveScreenshot } from './browser.js';
import { buildHostBundle, startHostPageServer, type HostPageServer } from './mcpHostPage.js';

let browser: Browser;
let host: HostPageServer;
/** The map both hosts start from (4 connectors: alpha online, bravo offline, charlie disabled, delta online). */
const T0 = Date.now();
const initial: HostState = { data: makeData(4, { generatedAt: T0 }), extraCalls: 0 };

beforeAll(async () => {
  await ensureBuilt();
  host = await startHostPageServer(await buildHostBundle(), initial);
  browser = await launchChromium();
});

/** Runs `use` on a fresh 900×1500 page, then checks the page logged no error and closes its context. */
async function withPage(use: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1500 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await use(page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}

type HostWindow = Window & { __host: { calls: HostCall[]; setState(next: HostState): void } };

/** Every call the widget made through the host, as `name` or `name window`. */
function hostCalls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as HostWindow).__host.calls.map((c) =>
      c.name === 'connectors_dashboard' ? `${c.name} ${String(c.arguments?.window)}` : c.name,
    ),
  );
}

/** Changes what the host's `connectors_dashboard` answers from now on. */
async function setHostState(page: Page, next: HostState): Promise<void> {
  await page.evaluate((state) => (window as unknown as HostWindow).__host.setState(state), next);
}

/**
 * The live traffic check both hosts share: the widget polls `connectors_dashboard` with `{ window }`, so when the
 * host's answers change (5 more calls, then alpha offline) the chart, the recent calls, the timeline and the pill
 * follow without a reload; `1 h` polls with `window: "1h"`; axe finds nothing. Screenshots `<shots>-*.png`.
 */
async function checkLiveTraffic(page: Page, view: Page | Frame, shots: string): Promise<void> {
  const chartCalls = (id: string): Promise<string | null> =>
    view.locator(`[data-traffic="${id}"] svg.chart`).getAttribute('data-calls');
  const spans = (id: string): Promise<Array<string | null>> =>
    view
      .locator(`[data-traffic="${id}"] svg.timeline rect`)
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
  const rows = (): Promise<Array<string | null>> =>
    view.locator('tr[data-call]').evaluateAll((els) => els.map((el) => el.getAttribute('data-call')));
  const pill = (id: string): Promise<string | null> =>
    view.locator(`[data-connector="${id}"] [role="img"]`).getAttribute('aria-label');
  const polls = async (): Promise<string[]> =>
    (await hostCalls(page)).filter((c) => c.startsWith('connectors_dashboard'));

  await view.getByRole('heading', { name: 'Traffic' }).waitFor({ timeout: 30_000 });
  await expect.poll(async () => (await polls())[0], { timeout: 15_000 }).toBe('connectors_dashboard 15m');
  const before = Number(await chartCalls('alpha'));
  expect(before).toBeGreaterThan(0);
  expect(await rows()).toHaveLength(12);
  expect(await spans('alpha')).toEqual(['online']);
  expect(await spans('bravo')).toEqual(['online', 'offline']);

  await setHostState(page, { ...initial, extraCalls: 5 });
  await expect.poll(() => chartCalls('alpha'), { timeout: 15_000 }).toBe(String(before + 5));
  const recent = await rows();
  expect(recent).toHaveLength(17);
  expect(recent.slice(0, 5)).toEqual(['alpha', 'alpha', 'alpha', 'alpha', 'alpha']);
  await saveScreenshot(page, `${shots}-traffic-live`);

  const offline = makeData(4, { generatedAt: T0 });
  Object.assign(offline.connectors[0]!, {
    availability: 'offline',
    lastError: { code: 'UPSTREAM_UNAVAILABLE', message: 'brAInwav: upstream alpha stopped responding' },
  });
  await setHostState(page, { data: offline, extraCalls: 5 });
  await expect.poll(() => pill('alpha'), { timeout: 15_000 }).toBe('Availability: offline');
  expect(await spans('alpha')).toEqual(['online', 'offline']);
  expect(await view.getByRole('status').first().textContent()).toBe('Alpha connector is now offline');
  await saveScreenshot(page, `${shots}-upstream-offline`);

  await view.getByRole('button', { name: '1 h' }).click();
  await expect.poll(async () => (await polls()).at(-1), { timeout: 15_000 }).toBe('connectors_dashboard 1h');
  await expect
    .poll(() => view.locator('[data-traffic="alpha"] svg.chart rect.bar-calls').count(), { timeout: 15_000 })
    .toBe(60);
  expect(await runAxe(view)).toEqual([]);
}

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('dist/mcp-app.html inside an MCP Apps host (ext-apps AppBridge) in real Chromium', () => {
  it('renders the statuses from the delivered tool result, follows the host theme and calls tools via the host', async () => {
    await withPage(async (page) => {
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
      const calls = (await hostCalls(page)).filter((c) => !c.startsWith('connectors_dashboard'));
      expect(calls).toEqual(['alpha__echo']);
      expect(host.requests).toEqual(['/host.html', '/host.js', '/mcp-app.html']);
      await saveScreenshot(page, 'mcp-apps-host');
    });
  });

  it('follows the host live: more calls move the chart and the recent calls, an upstream offline turns the timeline and the pill, no reload', async () => {
    await withPage(async (page) => {
      const seen = host.requests.length;
      await page.goto(`${host.url}/host.html`);
      const frame = await (
        await page.waitForSelector('iframe[title="brAInwav connectors widget"]')
      ).contentFrame();
      if (!frame) throw new Error('brAInwav: the widget iframe has no frame');
      await frame.getByRole('heading', { name: 'Connectors (4)' }).waitFor({ timeout: 30_000 });
      await checkLiveTraffic(page, frame, 'mcp-apps-host');
      expect(host.requests.slice(seen)).toEqual(['/host.html', '/host.js', '/mcp-app.html']);
    });
  });
});

describe('dist/mcp-app.html as a ChatGPT Apps widget (window.openai with callTool) in real Chromium', () => {
  it('renders the delivered toolOutput and follows the host live through callTool polling, no reload', async () => {
    await withPage(async (page) => {
      const seen = host.requests.length;
      await page.goto(`${host.url}/chatgpt.html`);
      await page.getByRole('heading', { name: 'Connectors (4)' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      expect(await page.locator('iframe').count()).toBe(0);
      await checkLiveTraffic(page, page, 'chatgpt-host');
      expect(host.requests.slice(seen)).toEqual(['/chatgpt.html', '/openai-host.js']);
    });
  });
});
