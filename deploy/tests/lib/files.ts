/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The deploy/ folder and the repository root. */
export const DEPLOY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_DIR = resolve(DEPLOY_DIR, '..');

/** A Kubernetes object as parsed from YAML (validated later). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  [field: string]: any;
}

/** Every file under `dir` (recursively, no node_modules) whose name ends with one of `exts`, repo-relative. */
export function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, exts));
    else if (exts.some((ext) => name.endsWith(ext))) out.push(relative(REPO_DIR, path));
  }
  return out.sort();
}

/** Reads a repo-relative file. */
export const readRepoFile = (path: string): string => readFileSync(resolve(REPO_DIR, path), 'utf8');

/** Parses every YAML document of a file; a syntax error or warning throws naming the file. */
export function loadYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true, prettyErrors: true });
  return docs.map((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0)
      throw new Error(`brAInwav: ${path}: ${problems.map((p) => p.message).join('; ')}`);
    return doc.toJS() as unknown;
  });
}
