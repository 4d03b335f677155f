import { requiredScopesFor } from '@cortex-os/mcp-server';
import type { PolicyDecider } from '@cortex-os/policy';
import type { Principal } from '@cortex-os/server-kit';
import type { ConnectorStatus, ConnectorsSnapshot } from './snapshot.js';

function visibleConnector(c: ConnectorStatus, principal: Principal, policy: PolicyDecider): ConnectorStatus {
  const required = requiredScopesFor(principal, c);
  const tools = c.tools.filter((t) => policy.mayList(principal, c.id, t.name, required));
  return tools.length === c.tools.length ? c : { ...c, tools };
}

/**
 * The snapshot as `principal` may see it: every connector's status stays (health is not a secret of one
 * gateway), its `tools` keep only what the policy lets the principal list (phase `list`).
 */
export function visibleSnapshot(
  snapshot: ConnectorsSnapshot,
  principal: Principal,
  policy: PolicyDecider,
): ConnectorsSnapshot {
  const connectors = snapshot.connectors.map((c) => visibleConnector(c, principal, policy));
  return connectors.every((c, i) => c === snapshot.connectors[i]) ? snapshot : { ...snapshot, connectors };
}
