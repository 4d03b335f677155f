// Module resolve hook registered by node20-globsync.mjs (only on a Node without `fs.globSync`).
const FS_WITH_GLOBSYNC =
  'data:text/javascript,' +
  encodeURIComponent(
    "export * from 'node:fs';\n" +
      "export function globSync() { throw new Error('brAInwav: fs.globSync needs Node >= 22 (conformance tier-check)'); }\n",
  );

/** Points the conformance bundle's `fs` import at `fs` + a throwing `globSync`; every other import is untouched. */
export async function resolve(specifier, context, next) {
  const fromConformance = context.parentURL?.includes('/@modelcontextprotocol/conformance/') ?? false;
  if (fromConformance && (specifier === 'fs' || specifier === 'node:fs')) {
    return { url: FS_WITH_GLOBSYNC, shortCircuit: true };
  }
  return next(specifier, context);
}
