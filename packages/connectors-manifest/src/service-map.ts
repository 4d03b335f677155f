import { BRAND } from './brand.js';
import { ConnectorsError } from './errors.js';
import { GATEWAY_URL_VAR, gatewayEndpointFor, normalizeGatewayUrl } from './gateway-url.js';
import { commonConnectorShape } from './schema-parts.js';
import {
  isStdioEntry,
  type ConnectorEntry,
  type HttpConnectorEntry,
  type Manifest,
  type ServiceMapConnector,
  type StdioConnectorEntry,
  type UnsignedServiceMap,
} from './schema.js';

/** Status message of an enabled connector. */
export const STATUS_ENABLED_MESSAGE = `${BRAND}: connector enabled`;
/** Status message of a connector disabled by the manifest. */
export const STATUS_DISABLED_MESSAGE = `${BRAND}: connector disabled by manifest`;

/** Options of {@link buildServiceMap}: the clock, id and version are injected so signing is deterministic. */
export interface BuildServiceMapOptions {
  /** Generation time (the map expires `manifest.ttlSeconds` later). */
  readonly now: Date;
  /** ULID of this map. */
  readonly id: string;
  /** Strictly increasing version per signer. */
  readonly version: number;
  /**
   * Base URL of the gateway (`CONNECTORS_GATEWAY_URL`, http(s), no trailing slash): a stdio connector is published
   * as `<gatewayUrl>/mcp/connectors/<id>`. Required when the manifest has a stdio connector.
   */
  readonly gatewayUrl?: string | undefined;
}

/** Fields common to every connector kind: all a stdio entry publishes (never its command line, env, limits…). */
type CommonField = keyof typeof commonConnectorShape;
const PUBLISHED_COMMON_FIELDS = Object.keys(commonConnectorShape) as CommonField[];

/** The common fields of a stdio entry (a whitelist: a launch field added later is never published by mistake). */
function publishedFields(entry: StdioConnectorEntry): Pick<StdioConnectorEntry, CommonField> {
  return Object.fromEntries(PUBLISHED_COMMON_FIELDS.map((key) => [key, entry[key]])) as Pick<
    StdioConnectorEntry,
    CommonField
  >;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function status(entry: ConnectorEntry): Pick<ServiceMapConnector, 'status' | 'statusMessage'> {
  return {
    status: entry.enabled ? 'enabled' : 'disabled',
    statusMessage: entry.enabled ? STATUS_ENABLED_MESSAGE : STATUS_DISABLED_MESSAGE,
  };
}

function stdioMapConnector(entry: StdioConnectorEntry, gatewayUrl: string): ServiceMapConnector {
  const { id, version, displayName, description, ...rest } = publishedFields(entry);
  return withoutUndefined({
    id,
    version,
    displayName,
    description,
    endpoint: gatewayEndpointFor(gatewayUrl, entry.id),
    transport: 'stdio' as const,
    headers: {},
    ...rest,
    ...status(entry),
  });
}

function toMapConnector(entry: ConnectorEntry, gatewayUrl: string): ServiceMapConnector {
  if (isStdioEntry(entry)) return stdioMapConnector(entry, gatewayUrl);
  const { $schema: _ignored, ...rest } = entry as HttpConnectorEntry & { $schema?: string };
  return withoutUndefined({ ...rest, ...status(entry) });
}

/** The normalized gateway URL, or '' when the manifest has no stdio connector (then it is never used). */
function gatewayUrlFor(manifest: Manifest, options: BuildServiceMapOptions): string {
  const stdio = manifest.connectors.find(isStdioEntry);
  if (stdio === undefined) return '';
  if (options.gatewayUrl === undefined || options.gatewayUrl.trim() === '') {
    throw new ConnectorsError(
      'MANIFEST_INVALID',
      `connector ${stdio.id} is a stdio connector: set ${GATEWAY_URL_VAR} to the gateway base URL its map endpoint is published under`,
    );
  }
  return normalizeGatewayUrl(options.gatewayUrl);
}

/**
 * Builds the unsigned service map of a validated manifest: connectors sorted by id, defaults applied, status added.
 * A stdio connector is published with `transport: "stdio"`, `endpoint: <gatewayUrl>/mcp/connectors/<id>`,
 * `headers: {}` and none of its launch fields (`command`, `args`, `cwd`, `env`, `limits`, `sandbox`, `startup`).
 * @throws ConnectorsError `MANIFEST_INVALID` naming `CONNECTORS_GATEWAY_URL` when a stdio connector has no gateway
 *   URL; `GatewayUrlError` (`CONFIG_INVALID`) when the gateway URL is not a valid base URL.
 */
export function buildServiceMap(manifest: Manifest, options: BuildServiceMapOptions): UnsignedServiceMap {
  const gatewayUrl = gatewayUrlFor(manifest, options);
  const generatedAt = options.now.toISOString();
  const expiresAt = new Date(options.now.getTime() + manifest.ttlSeconds * 1000).toISOString();
  const connectors = [...manifest.connectors]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => toMapConnector(entry, gatewayUrl));
  return {
    id: options.id,
    brand: BRAND,
    version: options.version,
    manifestId: manifest.id,
    manifestVersion: manifest.manifestVersion,
    generatedAt,
    expiresAt,
    ttlSeconds: manifest.ttlSeconds,
    connectors,
  };
}
