/** Distinct `tool` label values kept per connector before further names are folded into {@link OTHER_TOOLS}. */
export const MAX_TOOL_LABELS_PER_CONNECTOR = 256;
/** Label of tool names past the per-connector cap, or not shaped like a tool name. */
export const OTHER_TOOLS = '(other)';

const TOOL_NAME = /^[\w.\-/:]{1,128}$/;

/**
 * Bounded `tool` label values for the call metrics: on the faithful passthrough a caller chooses the tool name
 * of `tools/call`, so a raw name would let anyone add Prometheus series (memory in the gateway and in every
 * scraper) without limit. The first {@link MAX_TOOL_LABELS_PER_CONNECTOR} distinct well-formed names of a
 * connector keep their name; later ones, and names that are not tool-shaped, share {@link OTHER_TOOLS}.
 * The audit line keeps the real name.
 */
export class ToolLabels {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly max = MAX_TOOL_LABELS_PER_CONNECTOR) {}

  /** The label value for `tool` of `connectorId`. */
  of(connectorId: string, tool: string): string {
    let names = this.seen.get(connectorId);
    if (names?.has(tool)) return tool;
    if (!TOOL_NAME.test(tool)) return OTHER_TOOLS;
    if (!names) this.seen.set(connectorId, (names = new Set()));
    if (names.size >= this.max) return OTHER_TOOLS;
    names.add(tool);
    return tool;
  }
}
