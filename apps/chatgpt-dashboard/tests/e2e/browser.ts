import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { BUILD_INFO_FILE, hashSourceTree } from '@cortex-os/connectors-manifest/node';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Package root (apps/chatgpt-dashboard). */
export const PACKAGE_DIR = resolve(here, '../..');
/** Built bundle directory. */
export const DIST_DIR = join(PACKAGE_DIR, 'dist');
/** Where screenshots and bench results go. */
export const VERIFICATION_DIR = resolve(PACKAGE_DIR, '../../verification/widget');
/** The Debian Chromium every browser test uses (no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Flags for a quiet, sandbox-free headless Chromium on CI machines. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

/**
 * Launches the system Chromium through playwright-core.
 * @throws Error (branded) when /usr/bin/chromium is missing: browser tests must fail, never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `brAInwav: Chromium not found at ${CHROMIUM_PATH}; install the Debian "chromium" package (apt-get install -y chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 60_000,
  });
}

async function builtFromCurrentSource(): Promise<boolean> {
  const outputs = ['index.html', 'mcp-app.html', 'csp.json', BUILD_INFO_FILE].map((f) => join(DIST_DIR, f));
  if (!outputs.every((f) => existsSync(f))) return false;
  const info = JSON.parse(readFileSync(join(DIST_DIR, BUILD_INFO_FILE), 'utf8')) as { sourceHash?: string };
  return info.sourceHash === (await hashSourceTree(join(PACKAGE_DIR, 'src')));
}

/**
 * Builds dist/ with webpack (production) unless it was built from the current src/ (the content hash the build
 * records in dist/build-info.json, the same check the connectors server makes).
 * @returns the dist directory.
 */
export async function ensureBuilt(): Promise<string> {
  const fresh = await builtFromCurrentSource();
  if (!fresh) {
    const cli = require.resolve('webpack-cli/bin/cli.js');
    await promisify(execFile)(process.execPath, [cli, '--mode', 'production'], {
      cwd: PACKAGE_DIR,
      timeout: 600_000,
    });
  }
  return DIST_DIR;
}

/** URL of the widget as the connectors server serves it. */
export function dashboardUrl(baseUrl: string): string {
  return new URL('/apps/chatgpt-dashboard/', baseUrl).toString();
}

/**
 * Opens the served dashboard and, when the server asks for a key, types `apiKey` into the key form once.
 * Resolves when the connector list heading is visible.
 */
export async function openDashboard(page: Page, baseUrl: string, apiKey: string | null): Promise<void> {
  await page.goto(dashboardUrl(baseUrl), { waitUntil: 'domcontentloaded' });
  const list = page.getByRole('heading', { name: /^Connectors \(\d+\)$/ });
  const keyInput = page.getByLabel('API key');
  await list.or(keyInput).first().waitFor({ timeout: 30_000 });
  if (apiKey !== null && (await keyInput.isVisible())) {
    await keyInput.fill(apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
  }
  await list.waitFor({ timeout: 30_000 });
}

/** A Chromium with one 1280×900 page showing the dashboard. */
export interface DashboardSession {
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors of the page that report a Content Security Policy violation (should stay empty). */
  readonly cspViolations: readonly string[];
  /** Closes the page's context and the browser. */
  close(): Promise<void>;
}

/** Launches Chromium and opens the dashboard served at `baseUrl` (typing `apiKey` once when asked). */
export async function openDashboardSession(baseUrl: string, apiKey: string): Promise<DashboardSession> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await openDashboard(page, baseUrl, apiKey);
  return {
    browser,
    page,
    cspViolations,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

/** Violations axe-core finds in the live page or frame (WCAG 2.x A/AA + best practices), as rule id + target. */
export async function runAxe(
  page: Page | Frame,
): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  const source = (require('axe-core') as { source: string }).source;
  // Evaluated through the DevTools protocol, not as an inline <script>: the real server's strict CSP blocks those.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${source}\n;void 0`);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/** Saves a full-page screenshot to verification/widget/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(VERIFICATION_DIR, { recursive: true });
  const path = join(VERIFICATION_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Accessible name of the availability pill of one connector card. */
export async function pillOf(page: Page, connectorId: string): Promise<string | null> {
  return page.locator(`[data-connector="${connectorId}"] [role="img"]`).getAttribute('aria-label');
}

/** Every control the keyboard should reach, as `tag:label`, in document order (what {@link tabWalk} must visit). */
export function focusableControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'button:not([disabled]), select, input, textarea, a[href], [tabindex="0"]',
      ),
    ).map((el) => {
      const label =
        el.getAttribute('aria-label') ??
        (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
        el.textContent ??
        '';
      return `${el.tagName.toLowerCase()}:${label.trim()}`;
    }),
  );
}

/**
 * Clicks the page's top-left corner (resetting the sequential focus start), then presses Tab until focus returns to the first stop (or `max` presses) and describes every focused control,
 * e.g. `button:Refresh`, `select:Connector`.
 */
export async function tabWalk(page: Page, max = 80): Promise<string[]> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.click(2, 2);
  const stops: string[] = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const label =
        el.getAttribute('aria-label') ??
        (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
        el.textContent ??
        '';
      return `${el.tagName.toLowerCase()}:${label.trim()}`;
    });
    if (stop === null || stops[0] === stop) break;
    stops.push(stop);
  }
  return stops;
}
