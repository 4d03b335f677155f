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
