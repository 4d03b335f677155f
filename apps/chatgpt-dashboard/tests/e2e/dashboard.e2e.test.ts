// @vitest-environment node
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeData } from '../support/fixtures.js';
import { startApiServer, type ApiServer } from '../support/apiServer.js';
import {
  ensureBuilt,
  focusableControls,
  openDashboard,
  openDashboardSession,
  type DashboardSession,
  pillOf,
  runAxe,
  saveScreenshot,
  tabWalk,
} from './browser.js';

const KEY = 'e2e-key-0123456789abcdef';
let browser: Browser;
let server: ApiServer;
let session: DashboardSession | undefined;
let page: Page;

beforeAll(async () => {
  const distDir = await ensureBuilt();
  server = await startApiServer({ apiKey: KEY, data: makeData(6), distDir });
  session = await openDashboardSession(server.url, KEY);
  browser = session.browser;
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('dashboard in real Chromium (served dist/ + in-test connectors API)', () => {
  it('renders the list with pills, manifest version and expiry, with zero axe violations', async () => {
    expect(await page.locator('article[data-connector]').count()).toBe(6);
    expect(await pillOf(page, 'alpha')).toBe('Availability: online');
    expect(await pillOf(page, 'bravo')).toBe('Availability: offline');
    await expect
      .poll(() => page.locator('.meta').textContent())
      .toMatch(/Manifest 2026\.11\.22 · signed \d\d:\d\d:\d\d UTC · map expires in \d+ min/);
    expect(await page.locator('[data-map-version]').getAttribute('title')).toBe('map version 1');
    await page.getByRole('heading', { name: 'Try it' }).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'list');
    expect(await runAxe(page)).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem('brainwav.connectors.apiKey'))).toBe(KEY);
    expect(page.url()).not.toContain(KEY);
  });

  it('runs under the strict CSP built into dist/csp.json: inline CSS applies, no violation reported', async () => {
    const response = await page.request.get(`${server.url}/apps/chatgpt-dashboard/`);
    expect(response.headers()['content-security-policy']).toMatch(/style-src 'self' 'sha256-[^']+'/);
    expect(response.headers()['content-security-policy']).not.toContain('unsafe-inline');
    // the inline stylesheet of index.html sets .dash { max-width: 1100px }: blocked, it would be "none"
    expect(await page.locator('.dash').evaluate((el) => getComputedStyle(el).maxWidth)).toBe('1100px');
    expect(session!.cspViolations).toEqual([]);
  });

  it('turns a pill offline within seconds of an SSE availability event', async () => {
    server.setAvailability('alpha', 'offline', 'brAInwav: upstream alpha stopped responding');
    await expect.poll(() => pillOf(page, 'alpha'), { timeout: 10_000 }).toBe('Availability: offline');
    expect(await page.getByRole('status').first().textContent()).toBe('Alpha connector is now offline');
    await saveScreenshot(page, 'offline');
    server.setAvailability('alpha', 'online');
    await expect.poll(() => pillOf(page, 'alpha'), { timeout: 10_000 }).toBe('Availability: online');
  });

  it('runs a tool with "Try it" and shows the result', async () => {
    await page.getByLabel('Connector', { exact: true }).selectOption('delta');
    await page.getByLabel('Tool', { exact: true }).selectOption('echo');
    await page.getByLabel(/^message/).fill('hello from chromium');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect
      .poll(() => page.getByLabel('Tool result').textContent(), { timeout: 15_000 })
      .toBe('echo: hello from chromium');
    expect(server.toolCalls.at(-1)).toEqual({
      connectorId: 'delta',
      tool: 'echo',
      arguments: { message: 'hello from chromium', loud: false, tone: 'plain' },
    });
    await saveScreenshot(page, 'try-it');
    expect(await runAxe(page)).toEqual([]);
  });

  it('is fully keyboard operable: Tab reaches every control, Enter/Space activate, focus is visible', async () => {
    const expected = await focusableControls(page);
    const walked = await tabWalk(page);
    expect(walked).toEqual(expected);
    expect(walked.length).toBeGreaterThan(10);

    const tryDelta = page.getByRole('button', { name: 'Try it: Delta connector' });
    await tryDelta.focus();
    const outline = await tryDelta.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('try-connector');
    expect(await page.getByLabel('Connector', { exact: true }).inputValue()).toBe('delta');

    await page.getByLabel(/^message/).focus();
    await page.keyboard.type('typed with keys');
    await page.getByLabel(/^loud/).focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel(/^loud/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Run' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByLabel('Tool result').textContent(), { timeout: 15_000 })
      .toBe('echo: typed with keys');
    await page.getByRole('button', { name: 'Refresh' }).focus();
    const before = server.lastEventIds.length;
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);
    expect(server.lastEventIds.length).toBe(before);
    await saveScreenshot(page, 'keyboard');
  });

  it('fits a 360 px wide viewport without horizontal scrolling, in dark mode too', async () => {
    const narrow = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
    const small = await narrow.newPage();
    try {
      await small.addInitScript((key) => sessionStorage.setItem('brainwav.connectors.apiKey', key), KEY);
      await openDashboard(small, server.url, KEY);
      await small.getByRole('heading', { name: 'Try it' }).waitFor({ timeout: 30_000 });
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await small.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(18, 20, 23)',
      );
      await saveScreenshot(small, 'mobile-360-dark');
      expect(await runAxe(small)).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('asks for the API key in an accessible form when the server answers 401', async () => {
    const fresh = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const keyPage = await fresh.newPage();
    try {
      await keyPage.goto(new URL('/apps/chatgpt-dashboard/', server.url).toString());
      const input = keyPage.getByLabel('API key');
      await input.waitFor({ timeout: 30_000 });
      expect(await input.getAttribute('type')).toBe('password');
      await saveScreenshot(keyPage, 'key-form');
      expect(await runAxe(keyPage)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('reports LCP to POST /v1/apps/beacon', async () => {
    await expect.poll(() => server.beacons.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(server.beacons[0]!.name).toBe('lcp');
    expect(server.beacons[0]!.value).toBeGreaterThan(0);
    expect(server.beacons[0]!.value).toBeLessThan(30_000);
  });

  it('shows the troubleshooting alert when no verified map is available and when the server is down', async () => {
    server.setMapUnavailable(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('Check that asbr is running');
    expect(await runAxe(page)).toEqual([]);
    await saveScreenshot(page, 'map-unavailable');
    server.setMapUnavailable(false);
    await server.close();
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toContain('Is the connectors server running? Start it with npm start');
    expect(await page.getByText('Showing the last loaded map (v1) until a fresh one loads.').count()).toBe(1);
    await saveScreenshot(page, 'server-down');
    expect(await runAxe(page)).toEqual([]);
  });
});
