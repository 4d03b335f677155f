/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { DEPLOY_DIR, loadYamlDocuments } from './files.js';

/** The compose file and the compose-spec schema vendored from compose-spec/compose-spec (Apache-2.0). */
export const COMPOSE_FILE = resolve(DEPLOY_DIR, 'compose/docker-compose.yml');
const SCHEMA_FILE = resolve(DEPLOY_DIR, 'schemas/compose-spec.json');

/** The parsed compose file (YAML merge keys resolved, as Compose does). */
export const loadCompose = (path = COMPOSE_FILE): any => loadYamlDocuments(path)[0];

/** Validates a parsed compose document against the compose-spec JSON schema; returns the problems. */
export function composeProblems(doc: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  // the file names draft-07 as https://json-schema.org/draft-07/schema, an alias of Ajv's built-in draft-07
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<
    string,
    unknown
  >;
  const validate = ajv.compile(schema);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** HAProxy config lines (comments and blanks dropped), grouped by section header (`backend connectors`, …). */
export function haproxySections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) sections.set((current = line.trim()), []);
    else sections.get(current)?.push(line.trim());
  }
  return sections;
}
