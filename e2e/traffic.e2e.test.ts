import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  openDashboard,
  openDashboardSession,
  runAxe,
  saveScreenshot,
  type DashboardSession,
} from '../apps/chatgpt-dashboard/tests/e2e/browser.js';
import { API_KEY, startStack, type Stack } from './stack.js';

/**
 * Issue 15: the traffic pictures in real Chromium against the real stack (connectors server, asbr, the fixture
 * upstream and server-everything): calls made through the REST API move the chart and appear in the recent
 * calls; stopping an upstream turns its availability timeline offline.
 */
type Page = DashboardSession['page'];

let stack: Stack;
let session: DashboardSession | undefined;
let page: Page;

beforeAll(async () => {
  const distDir = await ensureBuilt();
  stack = await startStack({ distDir, ttlSeconds: 30, probeIntervalMs: 250 });
  session = await openDashboardSession(stack.url, API_KEY);
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

async function callFixture(text: string): Promise<void> {
  const res = await fetch(`${stack.url}/v1/connectors/fixture/tools/echo/call`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ arguments: { text } }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

const chartCalls = async (id: string): Promise<number> =>
  Number(await page.locator(`[data-traffic="${id}"] svg.chart`).getAttribute('data-calls'));

const lastSpan = (id: string): Promise<string | null> =>
  page.locator(`[data-traffic="${id}"] svg.timeline rect`).last().getAttribute('data-state');

describe('e2e: traffic chart, recent calls and availability timeline in Chromium', () => {
  it('moves the chart and lists the calls as traffic flows, with zero axe violations', async () => {
    await page.locator('[data-traffic="fixture"] svg.chart').waitFor({ timeout: 30_000 });
    const before = await chartCalls('fixture');
    for (let i = 0; i < 5; i++) await callFixture(`brAInwav traffic ${i}`);
    await expect.poll(() => chartCalls('fixture'), { timeout: 10_000 }).toBe(before + 5);
    await expect
      .poll(() => page.locator('tr[data-call="fixture"][data-outcome="ok"]').count(), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(5);
    expect(await page.locator('.recent').textContent()).not.toContain('brAInwav traffic');
    expect(await lastSpan('fixture')).toBe('online');
    expect(
      await page.locator('[data-traffic="tasks"] svg.timeline rect').last().getAttribute('data-state'),
    ).toBe('disabled');
    await saveScreenshot(page, 'traffic-live');
    expect(await runAxe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Table view' }).click();
    await expect.poll(() => page.locator('[data-traffic="fixture"] table tbody tr').count()).toBe(15);
    await page.getByRole('button', { name: '1 h' }).click();
    await expect
      .poll(() => page.locator('[data-traffic="fixture"] table tbody tr').count(), { timeout: 10_000 })
      .toBe(60);
    await saveScreenshot(page, 'traffic-table-1h');
    expect(await runAxe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Table view' }).click();
    await page.getByRole('button', { name: '15 min' }).click();
  });

  it('filters the recent calls by connector and outcome', async () => {
    await page.getByLabel('Calls by outcome').selectOption('ok');
    await page.getByLabel('Calls by connector').selectOption('everything');
    expect(await page.locator('tr[data-call="fixture"]').count()).toBe(0);
    await page.getByLabel('Calls by connector').selectOption('fixture');
    expect(await page.locator('tr[data-call="fixture"]').count()).toBeGreaterThanOrEqual(5);
    await page.getByLabel('Calls by outcome').selectOption('');
  });

  it('turns the timeline offline after the upstream stops', async () => {
    await stack.fixture.stop();
    await expect.poll(() => lastSpan('fixture'), { timeout: 15_000, interval: 250 }).toBe('offline');
    expect(await lastSpan('everything')).toBe('online');
    await saveScreenshot(page, 'traffic-upstream-offline');
    expect(await runAxe(page)).toEqual([]);
  });

  it('is readable at 360 px in dark mode', async () => {
    const narrow = await session!.browser.newContext({
      viewport: { width: 360, height: 800 },
      colorScheme: 'dark',
    });
    const small = await narrow.newPage();
    try {
      await openDashboard(small, stack.url, API_KEY);
      await small.locator('[data-traffic="fixture"] svg.chart').waitFor({ timeout: 30_000 });
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await saveScreenshot(small, 'traffic-360-dark');
      expect(await runAxe(small)).toEqual([]);
    } finally {
      await narrow.close();
    }
  });
});
