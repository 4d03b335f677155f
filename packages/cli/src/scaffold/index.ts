export { scaffoldFiles, MANIFEST_ENTRY_FILE } from './files.js';
export { manifestEntry } from './manifest-entry.js';
export type { ManifestEntryJson } from './manifest-entry.js';
export { checkTarget, writeScaffold } from './write.js';
export { SCAFFOLD_VERSIONS } from './versions.js';
export type { ScaffoldPackage } from './versions.js';
export {
  DEFAULT_HTTP_PORT,
  HELLO_TOOL,
  SCAFFOLD_REQUIRES_CORE,
  SCAFFOLD_TRANSPORTS,
  SCAFFOLD_VERSION,
  displayNameOf,
  helloText,
  packageNameOf,
} from './types.js';
export type { ScaffoldFile, ScaffoldOptions, ScaffoldTransport } from './types.js';
