import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { branded } from './brand.js';

/** Version of the running Cortex-OS Connectors core (the root package version). */
export const CORE_VERSION = '0.1.0';

/**
 * Checks a connector's `requiresCore` range against the core version.
 * @returns a branded `CORE_VERSION_MISMATCH` message naming the connector, the range and the core when the range
 *   excludes `core` (or is not a valid range); `undefined` when it is satisfied or absent.
 */
export function checkRequiresCore(
  connector: { readonly id: string; readonly requiresCore?: string | undefined },
  core: string = CORE_VERSION,
): string | undefined {
  const range = connector.requiresCore;
  if (range === undefined) return undefined;
  if (validRange(range) === null) {
    return branded(
      `connector ${connector.id} has an invalid requiresCore range ${JSON.stringify(range)} (CORE_VERSION_MISMATCH)`,
    );
  }
  if (satisfies(core, range)) return undefined;
  return branded(
    `connector ${connector.id} requires core ${range} but this is core ${core} (CORE_VERSION_MISMATCH)`,
  );
}
