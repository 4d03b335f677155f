import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  focusableControls,
  openDashboardSession,
  type DashboardSession,
  pillOf,
  runAxe,
  saveScreenshot,
  tabWalk,
} from '../apps/chatgpt-dashboard/tests/e2e/browser.js';
import { API_KEY, BREAKER_RESET_MS, startStack, type Stack } from './stack.js';

/**
 * Issue 6: the widget in real Chromium against the real connectors server, a real asbr and real upstreams
 * (the fixture MCP server and @modelcontextprotocol/server-everything), all on free ports.
 */
type Page = DashboardSession['page'];

const TTL_SECONDS = 30;
let stack: Stack;
let session: DashboardSession | undefined;
let page: Page;

beforeAll(async () => {
  const distDir = await ensureBuilt();
  stack = await startStack({ distDir, ttlSeconds: TTL_SECONDS, probeIntervalMs: 250 });
  session = await openDashboardSession(stack.url, API_KEY);
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

async function tryIt(connectorId: string, field: RegExp, text: string): Promise<string | null> {
  await page.getByLabel('Connector', { exact: true }).selectOption(connectorId);
  await page.getByLabel('Tool', { exact: true }).selectOption('echo');
  await page.getByLabel(field).fill(text);
  await page.getByRole('button', { name: 'Run' }).click();
  const result = page.getByLabel('Tool result');
  await expect.poll(() => result.textContent(), { timeout: 20_000 }).toContain(text);
  return result.textContent();
}

describe('e2e: widget in Chromium + connectors server + asbr + real upstreams', () => {
  it('lists the connectors of the verified map with online pills and zero axe violations', async () => {
    expect(
      await page
        .locator('article[data-connector]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-connector'))),
    ).toEqual(['everything', 'fixture', 'tasks']);
    await expect.poll(() => pillOf(page, 'fixture'), { timeout: 20_000 }).toBe('Availability: online');
    await expect.poll(() => pillOf(page, 'everything'), { timeout: 20_000 }).toBe('Availability: online');
    expect(await pillOf(page, 'tasks')).toBe('Availability: disabled');
    expect(await page.locator('.meta').textContent()).toMatch(
      /^Manifest 2026\.11\.22 · signed \d\d:\d\d:\d\d UTC · /,
    );
    await page.getByRole('heading', { name: 'Try it' }).waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'e2e-list');
    expect(await runAxe(page)).toEqual([]);
  });

  it('turns the pill offline within seconds of stopping the upstream, and online again after a restart', async () => {
    const stoppedAt = Date.now();
    await stack.fixture.stop();
    await expect
      .poll(() => pillOf(page, 'fixture'), { timeout: 15_000, interval: 200 })
      .toBe('Availability: offline');
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(await pillOf(page, 'everything')).toBe('Availability: online');
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Fixture upstream is now offline');
    await saveScreenshot(page, 'e2e-upstream-offline');
    expect(await runAxe(page)).toEqual([]);
    // After 5 failed probes the upstream's circuit opens for CONNECTORS_BREAKER_RESET_MS; its half-open probe is what
    // brings a restarted upstream back, so allow that much plus slack.
    await stack.fixture.restart();
    await expect
      .poll(() => pillOf(page, 'fixture'), { timeout: BREAKER_RESET_MS + 15_000, interval: 250 })
      .toBe('Availability: online');
    expect(await page.getByRole('status').first().textContent()).toContain('Fixture upstream is now online');
  });

  it('"Try it" runs the real echo tool and shows the exact upstream text', async () => {
    const callsBefore = stack.fixture.calls.length;
    expect(await tryIt('fixture', /^text/, 'brAInwav through the fixture')).toBe(
      'brAInwav through the fixture',
    );
    expect(stack.fixture.calls.slice(callsBefore).map((c) => [c.tool, c.args])).toEqual([
      ['echo', { text: 'brAInwav through the fixture' }],
    ]);
    expect(await tryIt('everything', /^message/, 'brAInwav through server-everything')).toBe(
      'Echo: brAInwav through server-everything',
    );
    await saveScreenshot(page, 'e2e-try-it');
    expect(await runAxe(page)).toEqual([]);
  });

  it('is keyboard operable: Tab reaches every control and Enter/Space activate them', async () => {
    const walked = await tabWalk(page);
    expect(walked).toEqual(await focusableControls(page));
    expect(walked).toEqual(
      expect.arrayContaining([
        'button:Refresh',
        'button:Change API key',
        'button:Try it: Fixture upstream',
        'button:Try it: Everything demo',
        'select:Connector',
        'select:Tool',
        'button:Run',
      ]),
    );

    await page.getByRole('button', { name: 'Try it: Everything demo' }).focus();
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('try-connector');
    expect(await page.getByLabel('Connector', { exact: true }).inputValue()).toBe('everything');
    await page.getByLabel('Tool', { exact: true }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('typed with keys');
    await page.getByRole('button', { name: 'Run' }).focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByLabel('Tool result').textContent(), { timeout: 20_000 })
      .toBe('Echo: typed with keys');
    await page.getByRole('button', { name: 'Refresh' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);
    await saveScreenshot(page, 'e2e-keyboard');
  });

  it('asbr down: shows the map-health troubleshooting card (needs mapHealth "stale" from the connectors server)', async () => {
    await stack.stopAsbr();
    const alert = page.getByRole('alert').and(page.locator('[data-map-health]'));
    await expect
      .poll(() => alert.textContent(), { timeout: TTL_SECONDS * 1000, interval: 500 })
      .toContain('The connectors server cannot reach asbr at ASBR_URL');
    expect(await alert.textContent()).toMatch(
      /Start asbr \(npm start\)\. The dashboard shows the last verified map until it expires at \d\d:\d\d:\d\d UTC\./,
    );
    expect(await page.locator('article[data-connector]').count()).toBe(3);
    await saveScreenshot(page, 'e2e-asbr-down');
    expect(await runAxe(page)).toEqual([]);
  });
});
