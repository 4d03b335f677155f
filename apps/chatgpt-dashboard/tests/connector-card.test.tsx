import { render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorCard } from '../src/components/ConnectorCard.js';
import type { ConnectorStatus } from '../src/types.js';
import { makeConnector } from './support/fixtures.js';
import { axeViolations, resetDom } from './support/render.js';

afterEach(resetDom);

const FAILURE = {
  code: 'UPSTREAM_UNAVAILABLE',
  message: 'brAInwav: connection refused',
  at: '2026-11-22T10:01:02.000Z',
};

function card(overrides: Partial<ConnectorStatus>): HTMLElement {
  const { container } = render(<ConnectorCard connector={{ ...makeConnector('alpha'), ...overrides }} />);
  return container;
}

describe('ConnectorCard last error', () => {
  it('shows the last error as an alert line with its time while the connector is offline', async () => {
    const container = card({ availability: 'offline', lastError: FAILURE });
    const line = container.querySelector('.last-error');
    expect(line?.classList.contains('recovered')).toBe(false);
    expect(line?.textContent).toBe(
      'Last error: brAInwav: connection refused UPSTREAM_UNAVAILABLE at 10:01:02 UTC',
    );
    expect(await axeViolations(container)).toEqual([]);
  });

  it('turns it into a muted "Recovered" note once the connector is online again', async () => {
    const container = card({ availability: 'online', lastError: FAILURE });
    const line = container.querySelector('.last-error');
    expect(line?.classList.contains('recovered')).toBe(true);
    expect(line?.textContent).toBe(
      'Recovered from brAInwav: connection refused UPSTREAM_UNAVAILABLE at 10:01:02 UTC',
    );
    expect(container.textContent).not.toContain('Last error');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('shows nothing when there was no error, and no time when the error has none', () => {
    expect(card({ lastError: null }).querySelector('.last-error')).toBeNull();
    const untimed = card({ availability: 'degraded', lastError: { code: 'X', message: 'm' } });
    expect(untimed.querySelector('.last-error')?.textContent).toBe('Last error: m X');
  });
});
