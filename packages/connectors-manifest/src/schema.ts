import { z } from 'zod';
import type { ConnectorAuthSchema, ConnectorQuotasSchema } from './schema-parts.js';
import { brandLiteral, commonConnectorShape, headersSchema, positiveInt } from './schema-parts.js';
import type { StdioLimitsSchema } from './stdio-schema.js';
import { StdioConnectorEntrySchema } from './stdio-schema.js';
import { BRAND } from './brand.js';

export { CONNECTOR_ID_PATTERN, ConnectorAuthSchema, ConnectorQuotasSchema } from './schema-parts.js';
export { StdioConnectorEntrySchema, StdioLimitsSchema } from './stdio-schema.js';

const {
  id,
  version,
  displayName,
  description,
  auth,
  scopes,
  ttlSeconds,
  quotas,
  enabled,
  metadata,
  tools,
  requiresCore,
} = commonConnectorShape;

/** A remote connector reached over Streamable HTTP (default) or SSE at its `endpoint`. */
export const HttpConnectorEntrySchema = z.strictObject({
  id,
  version,
  displayName,
  description,
  endpoint: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  transport: z.enum(['streamable-http', 'sse']).default('streamable-http'),
  auth,
  headers: headersSchema.default({}),
  scopes,
  ttlSeconds,
  quotas,
  enabled,
  metadata,
  tools,
  requiresCore,
});

/**
 * One connector as written in the manifest (`ttlSeconds` may be omitted: the manifest's default applies): an HTTP
 * entry, or a stdio entry when `transport` is `"stdio"`. The branch is chosen by `transport`, so errors name the
 * path inside the chosen kind instead of a generic "invalid union".
 */
export const ConnectorEntrySchema = z.discriminatedUnion('transport', [
  HttpConnectorEntrySchema,
  StdioConnectorEntrySchema,
]);

/** The manifest: every connector of the deployment. Output has defaults applied (incl. connector TTLs). */
export const ManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 chars of a-z, 0-9, ".", "_" or "-"'),
    manifestVersion: z.string().min(1),
    brand: brandLiteral,
    ttlSeconds: positiveInt.default(300),
    connectors: z.array(ConnectorEntrySchema),
  })
  .superRefine((m, ctx) => {
    const seen = new Map<string, number>();
    m.connectors.forEach((c, i) => {
      const first = seen.get(c.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['connectors', i, 'id'],
          message: `duplicates connectors[${first}].id (got "${c.id}")`,
        });
      }
      seen.set(c.id, i);
    });
  })
  .transform((m) => ({
    ...m,
    connectors: m.connectors.map((c) => ({ ...c, ttlSeconds: c.ttlSeconds ?? m.ttlSeconds })),
  }));

/** A validated manifest with defaults applied. */
export type Manifest = z.output<typeof ManifestSchema>;
/** A manifest as an author writes it (defaults optional). */
export type ManifestInput = z.input<typeof ManifestSchema>;
/** A validated connector entry with defaults applied (`ttlSeconds` always set): HTTP or stdio. */
export type ConnectorEntry = Manifest['connectors'][number];
/** A validated remote (Streamable HTTP or SSE) connector entry. */
export type HttpConnectorEntry = Exclude<ConnectorEntry, { transport: 'stdio' }>;
/** A validated local connector entry (`transport: "stdio"`), launched and supervised by the gateway. */
export type StdioConnectorEntry = Extract<ConnectorEntry, { transport: 'stdio' }>;
/** Limits and restart policy of a stdio connector, restart defaults applied. */
export type StdioLimits = z.output<typeof StdioLimitsSchema>;
/** A connector's auth block. */
export type ConnectorAuth = z.output<typeof ConnectorAuthSchema>;
/** A connector's quotas. */
export type ConnectorQuotas = z.output<typeof ConnectorQuotasSchema>;

/** True when `entry` is a stdio connector (launched by the gateway, published under the gateway URL). */
export function isStdioEntry(entry: ConnectorEntry): entry is StdioConnectorEntry {
  return entry.transport === 'stdio';
}

/**
 * One connector inside the signed service map: the entry plus its status. A stdio connector appears with
 * `transport: "stdio"`, the gateway's `/mcp/connectors/<id>` URL as `endpoint` and no launch fields.
 */
export const ServiceMapConnectorSchema = z.looseObject({
  ...HttpConnectorEntrySchema.shape,
  transport: z.enum(['streamable-http', 'sse', 'stdio']),
  headers: headersSchema,
  ttlSeconds: positiveInt,
  enabled: z.boolean(),
  metadata: z.looseObject({ brand: brandLiteral }),
  status: z.enum(['enabled', 'disabled']),
  statusMessage: z.string().startsWith(`${BRAND}: `),
});

const isoUtcMs = z.iso.datetime({ precision: 3 });

/** The signed, expiring service map served at `GET /v1/connectors/service-map`. */
export const ServiceMapSchema = z.looseObject({
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID'),
  brand: brandLiteral,
  version: z.int().nonnegative(),
  manifestId: z.string().min(1),
  manifestVersion: z.string().min(1),
  generatedAt: isoUtcMs,
  expiresAt: isoUtcMs,
  ttlSeconds: positiveInt,
  connectors: z.array(ServiceMapConnectorSchema),
  signature: z.string().min(1),
});

/** A verified service map. */
export type ServiceMap = z.output<typeof ServiceMapSchema>;
/** One connector of a service map. */
export type ServiceMapConnector = z.output<typeof ServiceMapConnectorSchema>;
/** A service map before signing (no `signature` member). */
export type UnsignedServiceMap = z.output<typeof UnsignedServiceMapSchema>;

/** The service map schema without its `signature` member. */
export const UnsignedServiceMapSchema = ServiceMapSchema.omit({ signature: true });
