/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadYamlDocuments, type K8sObject } from './files.js';

/** The kustomization fields this renderer applies, exactly as kustomize does; any other field is refused. */
export const RENDERED_FIELDS = [
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'replicas',
] as const;

interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass']);

function readKustomization(dir: string): Kustomization {
  const [doc] = loadYamlDocuments(join(dir, 'kustomization.yaml')) as Record<string, unknown>[];
  for (const field of Object.keys(doc ?? {}))
    if (!(RENDERED_FIELDS as readonly string[]).includes(field))
      throw new Error(
        `brAInwav: ${dir}/kustomization.yaml uses "${field}", which the deploy checks do not render`,
      );
  return doc ?? {};
}

/** The pod template's containers of a workload object (empty for other kinds). */
export function containersOf(object: K8sObject): any[] {
  const spec = object.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

const imageName = (image: string): string => image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');

function applyImages(objects: K8sObject[], images: Kustomization['images'] = []): void {
  for (const container of objects.flatMap(containersOf))
    for (const rule of images) {
      if (imageName(container.image) !== rule.name) continue;
      const tag = rule.digest ? `@${rule.digest}` : rule.newTag ? `:${rule.newTag}` : '';
      container.image = `${rule.newName ?? rule.name}${tag || container.image.slice(imageName(container.image).length)}`;
    }
}

function applyNamespace(objects: K8sObject[], namespace: string | undefined): void {
  if (namespace === undefined) return;
  for (const object of objects) {
    if (object.kind === 'Namespace') object.metadata.name = namespace;
    else if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
  }
}

/**
 * Renders a kustomization directory (resources, then namespace, images and replicas) into its objects, the way
 * `kubectl kustomize` does for those fields. @throws Error on a field it does not render or a missing resource.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const k = readKustomization(dir);
  const objects = (k.resources ?? []).flatMap((entry): K8sObject[] => {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`brAInwav: ${dir}: resource ${entry} does not exist`);
    return statSync(path).isDirectory()
      ? renderKustomization(path)
      : loadYamlDocuments(path).filter((doc): doc is K8sObject => Boolean(doc));
  });
  applyNamespace(objects, k.namespace);
  applyImages(objects, k.images);
  for (const rule of k.replicas ?? []) {
    const target = objects.find(
      (o) => o.metadata.name === rule.name && /^(Deployment|StatefulSet)$/.test(o.kind),
    );
    if (!target) throw new Error(`brAInwav: ${dir}: replicas names unknown workload ${rule.name}`);
    target.spec.replicas = rule.count;
  }
  return objects;
}
