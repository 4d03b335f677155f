import { act, cleanup, screen } from '@testing-library/react';
import { axe } from 'jest-axe';
import { vi } from 'vitest';

/** Availability pills in document order, as their accessible names. */
export function pillNames(): string[] {
  return screen
    .getAllByRole('img', { name: /^Availability:/ })
    .map((el) => el.getAttribute('aria-label') ?? '');
}

/** Runs jest-axe on the container and returns the violations (rule id + offending HTML) for an exact assertion. */
export async function axeViolations(container: Element): Promise<Array<{ id: string; nodes: string[] }>> {
  const results = await axe(container);
  return results.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.html) }));
}

/** Advances fake timers inside act so React effects flush. */
export async function advance(ms: number): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/** Unmounts everything rendered and resets the document theme. */
export function resetDom(): void {
  cleanup();
  delete document.documentElement.dataset.theme;
}

/** Runs `fn` (e.g. resolving a scripted host reply) inside act and lets promise callbacks run. */
export async function settle(fn: () => void): Promise<void> {
  await act(async () => {
    fn();
    await Promise.resolve();
  });
}

/** Sets `document.visibilityState` (jsdom keeps it `visible`) and dispatches `visibilitychange` inside act. */
export async function setVisibility(state: DocumentVisibilityState): Promise<void> {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  await act(async () => {
    document.dispatchEvent(new Event('visibilitychange'));
    await Promise.resolve();
  });
}

/** Restores jsdom's own `document.visibilityState`. */
export function resetVisibility(): void {
  delete (document as { visibilityState?: unknown }).visibilityState;
}

/** Per connector (card order): the calls count of its traffic chart and the states of its timeline spans. */
export function trafficView(
  container: Element,
): Array<{ id: string; calls: string; bars: number; spans: string[] }> {
  return [...container.querySelectorAll('[data-traffic]')].map((card) => ({
    id: card.getAttribute('data-traffic') ?? '',
    calls: card.querySelector('svg.chart')?.getAttribute('data-calls') ?? '',
    bars: card.querySelectorAll('svg.chart rect.bar-calls').length,
    spans: [...card.querySelectorAll('svg.timeline rect')].map((r) => r.getAttribute('data-state') ?? ''),
  }));
}
