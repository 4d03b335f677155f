export { loadManifestFile, readManifestFile } from './manifest-file.js';
export { resolveSecretRef } from './secrets.js';
