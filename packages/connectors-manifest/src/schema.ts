import { z } from 'zod';
import { BRAND } from './brand.js';
import { SECRET_REF_PATTERN } from './secret-ref.js';

/** Connector ids: lower-case, digits and single dashes inside, 1–32 chars, never `_` (so `id__tool` is unambiguous). */
export const CONNECTOR_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Header names that carry credentials: they belong in `auth`, never in static `headers`. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

const positiveInt = z.int().positive();
const brandLiteral = z.literal(BRAND);

/** `auth` of a connector: how the bridge authenticates upstream (by secret reference, never the secret). */
export const ConnectorAuthSchema = z
  .strictObject({
    type: z.enum(['apiKey', 'bearer', 'none']),
    headerName: z.string().regex(HEADER_NAME_PATTERN, 'must be an HTTP header name').optional(),
    secretRef: z.string().regex(SECRET_REF_PATTERN, 'must be env:NAME or file:/absolute/path').optional(),
  })
  .superRefine((auth, ctx) => {
    if (auth.type !== 'none' && !auth.secretRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretRef'],
        message: `is required when type is "${auth.type}"`,
      });
    }
    if (auth.type === 'apiKey' && !auth.headerName) {
      ctx.addIssue({ code: 'custom', path: ['headerName'], message: 'is required when type is "apiKey"' });
    }
  });

/** Per-connector quotas (calls per minute and per hour; perHour ≥ perMinute). */
export const ConnectorQuotasSchema = z
  .strictObject({ perMinute: positiveInt, perHour: positiveInt })
  .superRefine((q, ctx) => {
    if (q.perHour < q.perMinute) {
      ctx.addIssue({
        code: 'custom',
        path: ['perHour'],
        message: `must be >= perMinute (got ${q.perHour} < ${q.perMinute})`,
      });
    }
  });

const headersSchema = z
  .record(z.string().regex(HEADER_NAME_PATTERN, 'must be an HTTP header name'), z.string())
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'carries credentials: declare it in auth with a secretRef',
        });
      }
    }
  });

/** One connector as written in the manifest (`ttlSeconds` may be omitted: the manifest's default applies). */
export const ConnectorEntrySchema = z.strictObject({
  id: z.string().regex(CONNECTOR_ID_PATTERN, 'must match ^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$'),
  version: z.string().min(1),
  displayName: z.string().min(1).max(120),
  description: z.string().max(2000).optional(),
  endpoint: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  transport: z.enum(['streamable-http', 'sse']).default('streamable-http'),
  auth: ConnectorAuthSchema,
  headers: headersSchema.default({}),
  scopes: z.array(z.string().min(1)).min(1),
  ttlSeconds: positiveInt.optional(),
  quotas: ConnectorQuotasSchema,
  enabled: z.boolean().default(true),
  metadata: z.looseObject({ brand: brandLiteral }).default({ brand: BRAND }),
  tools: z
    .strictObject({
      allow: z.array(z.string().min(1)).optional(),
      deny: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

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
/** A validated connector entry with defaults applied (`ttlSeconds` always set). */
export type ConnectorEntry = Manifest['connectors'][number];
/** A connector's auth block. */
export type ConnectorAuth = z.output<typeof ConnectorAuthSchema>;
/** A connector's quotas. */
export type ConnectorQuotas = z.output<typeof ConnectorQuotasSchema>;

/** One connector inside the signed service map: the entry plus its status. */
export const ServiceMapConnectorSchema = z.looseObject({
  ...ConnectorEntrySchema.shape,
  transport: z.enum(['streamable-http', 'sse']),
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
