import type { JsonSchema } from '../types.js';

/** The kinds of input the "Try it" form can generate from a JSON Schema property. */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

/** One generated form field. */
export interface FieldSpec {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  options: string[];
  defaultValue: string | boolean;
}

function kindOf(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  return type === undefined ? 'string' : 'json';
}

function scalarText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : JSON.stringify(value);
}

function defaultFor(kind: FieldKind, schema: JsonSchema): string | boolean {
  if (kind === 'boolean') return schema.default === true;
  if (schema.default === undefined) return kind === 'enum' ? scalarText(schema.enum?.[0]) : '';
  return scalarText(schema.default);
}

/**
 * Derives form fields from a tool's `inputSchema` (object properties: string, number, integer, boolean,
 * enum; anything else becomes a JSON text field).
 */
export function fieldsFromSchema(schema: JsonSchema | undefined): FieldSpec[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, prop]) => {
    const kind = kindOf(prop);
    return {
      name,
      kind,
      label: prop.title ?? name,
      description: prop.description,
      required: required.has(name),
      options: kind === 'enum' ? (prop.enum ?? []).map(scalarText) : [],
      defaultValue: defaultFor(kind, prop),
    };
  });
}

/**
 * Converts form values to tool arguments; empty optional fields are left out.
 * @throws Error with a branded message naming the field when a number or JSON value is invalid.
 */
export function argumentsFromValues(
  fields: FieldSpec[],
  values: Record<string, string | boolean>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? field.defaultValue;
    if (field.kind === 'boolean') {
      args[field.name] = raw === true;
      continue;
    }
    const text = String(raw);
    if (text === '' && !field.required) continue;
    args[field.name] = convert(field, text);
  }
  return args;
}

function convert(field: FieldSpec, text: string): unknown {
  if (field.kind === 'number' || field.kind === 'integer') {
    const value = Number(text);
    if (
      text.trim() === '' ||
      !Number.isFinite(value) ||
      (field.kind === 'integer' && !Number.isInteger(value))
    ) {
      throw new Error(
        `brAInwav: ${field.label} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'} (got "${text}")`,
      );
    }
    return value;
  }
  if (field.kind === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`brAInwav: ${field.label} must be valid JSON`);
    }
  }
  return text;
}
