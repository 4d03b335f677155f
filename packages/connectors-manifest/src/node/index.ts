export { loadManifestFile, readManifestFile } from './manifest-file.js';
export type { ManifestFile } from './manifest-file.js';
export { resolveSecretRef } from './secrets.js';
export { hashSourceTree, BUILD_INFO_FILE } from './source-tree.js';
