import { describe, expect, it } from 'vitest';
import * as manifest from '@cortex-os/connectors-manifest';

describe('workspace resolution', () => {
  it('resolves the package to its source', () => {
    expect(typeof manifest).toBe('object');
  });
});
