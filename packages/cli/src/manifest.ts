import type { Manifest, ManifestValidationError } from '@cortex-os/connectors-manifest';

/** Connector counts of a manifest. */
export interface ConnectorCounts {
  readonly total: number;
  readonly enabled: number;
  readonly disabled: number;
}

/** How many connectors a manifest declares, and how many are enabled or disabled. */
export function connectorCounts(manifest: Manifest): ConnectorCounts {
  const enabled = manifest.connectors.filter((c) => c.enabled).length;
  return { total: manifest.connectors.length, enabled, disabled: manifest.connectors.length - enabled };
}

/** `manifest=<id> version=<v> connectors=<n> enabled=<n> disabled=<n>`, the `validate` OK summary. */
export function manifestSummary(manifest: Manifest): string {
  const counts = connectorCounts(manifest);
  return `manifest=${manifest.id} version=${manifest.manifestVersion} connectors=${counts.total} enabled=${counts.enabled} disabled=${counts.disabled}`;
}

/** Every issue of a validation error as a `<json path>: <message>` line (`(root)` for the top level). */
export function issueLines(error: ManifestValidationError): string[] {
  return error.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
}

/** Branded header printed above the issue lines: `brAInwav: manifest <path> is invalid (<n> issues):`. */
export function invalidHeader(path: string, error: ManifestValidationError): string {
  const n = error.issues.length;
  return `brAInwav: manifest ${path} is invalid (${n} issue${n === 1 ? '' : 's'}):`;
}

/** The manifest path a validation error names (its message starts `brAInwav: manifest <path> is invalid: `). */
export function invalidManifestPath(error: ManifestValidationError): string | undefined {
  return /^brAInwav: manifest (.+?) is invalid: /.exec(error.message)?.[1];
}
