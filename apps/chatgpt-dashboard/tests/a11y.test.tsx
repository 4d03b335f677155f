import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenAiAdapter } from '../src/adapters/openai.js';
import { Dashboard } from '../src/components/Dashboard.js';
import { KeyForm } from '../src/components/KeyForm.js';
import type { HostAdapter } from '../src/types.js';
import { makeData } from './support/fixtures.js';
import { axeViolations, resetDom } from './support/render.js';

afterEach(resetDom);

function failingAdapter(): HostAdapter {
  return {
    ...createOpenAiAdapter({ toolOutput: null, callTool: vi.fn(() => Promise.reject(new Error('down'))) }),
  };
}

describe('accessibility (jest-axe)', () => {
  it('reports zero violations on the dashboard with cards, pills, last error and the Try it form', async () => {
    const { container } = render(
      <Dashboard adapter={createOpenAiAdapter({ toolOutput: makeData(5), callTool: vi.fn() })} />,
    );
    await screen.findByRole('heading', { name: 'Try it' }, { timeout: 15_000 });
    expect(screen.getAllByRole('article')).toHaveLength(5);
    expect(screen.getByLabelText('Connector')).toBeTruthy();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('reports zero violations on the troubleshooting card', async () => {
    const { container } = render(<Dashboard adapter={failingAdapter()} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('brAInwav: down');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('reports zero violations on the API key form', async () => {
    const { container } = render(
      <KeyForm onSubmit={() => undefined} reason="brAInwav: the API key was rejected" />,
    );
    expect(screen.getByLabelText('API key').getAttribute('type')).toBe('password');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('labels every pill with text and never relies on colour alone', async () => {
    render(<Dashboard adapter={createOpenAiAdapter({ toolOutput: makeData(3), callTool: vi.fn() })} />);
    const pills = await screen.findAllByRole('img', { name: /^Availability:/ });
    expect(pills.map((p) => p.textContent?.trim())).toEqual(['● online', '✕ offline', '○ disabled']);
  });
});
