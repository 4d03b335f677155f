/** OpenAI function names: 1–64 of `[a-zA-Z0-9_-]`. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** Longest namespaced tool name. */
export const MAX_TOOL_NAME_LENGTH = 64;
/** Separator between connector id and tool name (ids never contain `_`). */
export const TOOL_NAME_SEPARATOR = '__';

/** A namespaced tool name and the original it stands for. */
export interface ToolName {
  /** `<connectorId>__<tool>`, always matching {@link TOOL_NAME_PATTERN}. */
  readonly name: string;
  /** The upstream's own tool name. */
  readonly original: string;
  /** True when the name was sanitized or shortened (a hash suffix keeps it unique and stable). */
  readonly shortened: boolean;
}

/** FNV-1a 64-bit of the UTF-16 code units, as 10 base-36 chars: stable across runs and platforms. */
function hash10(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(36).padStart(13, '0').slice(-10);
}

/**
 * Namespaced name of an upstream tool: `<connectorId>__<tool>`. Names that would be invalid or longer than
 * 64 chars are sanitized and shortened deterministically: `<prefix>_<10-char hash of id and original>`.
 * The result depends only on (connectorId, tool), so names stay stable as connectors come and go.
 */
export function toolName(connectorId: string, tool: string): ToolName {
  const plain = `${connectorId}${TOOL_NAME_SEPARATOR}${tool}`;
  if (TOOL_NAME_PATTERN.test(plain)) return { name: plain, original: tool, shortened: false };
  const sanitized = `${connectorId}${TOOL_NAME_SEPARATOR}${tool.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const suffix = `_${hash10(plain)}`;
  return {
    name: `${sanitized.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`,
    original: tool,
    shortened: true,
  };
}
