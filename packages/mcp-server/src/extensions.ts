import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  type CallToolResult,
  type ReadResourceResult,
  type Resource,
  type Tool,
} from '@modelcontextprotocol/server';
import { errorResult } from './call.js';
import { errorMessage } from './catalog.js';
import { GatewayOptionError } from './errors.js';
import type { GatewayLogger } from './logger.js';
import type { Principal } from './principals.js';

/** What an extension tool's handler receives besides its arguments. */
export interface ExtensionCallContext {
  /** The calling principal's subject (a key id, a bound subject or a token's `sub`; never a key). */
  readonly callerId: string;
  /** The calling principal (roles, scopes, `via`). Its claims are for decisions: never log or echo them. */
  readonly principal: Principal;
  /** Aborted when the caller cancels the request. */
  readonly signal: AbortSignal;
}

/** A tool an {@link AggregateExtension} adds to `/mcp`, listed as is (its name must not contain `__`). */
export interface ExtensionTool {
  /** The MCP tool definition (`name`, `inputSchema`, `_meta`, …). */
  readonly definition: Tool;
  /** Runs the tool; a rejection becomes a branded `isError` result with code `TOOL_CALL_FAILED`. */
  call(args: Record<string, unknown> | undefined, context: ExtensionCallContext): Promise<CallToolResult>;
}

/** A resource an {@link AggregateExtension} adds to `/mcp` (`resources/list` + `resources/read`). */
export interface ExtensionResource {
  /** The listed resource: `uri`, `name`, `mimeType`, `_meta`, … */
  readonly resource: Resource;
  /** Reads the resource's contents. */
  read(context: { readonly signal: AbortSignal }): Promise<ReadResourceResult>;
}

/**
 * Extra tools and resources served by the aggregate endpoint `/mcp` next to the namespaced connector
 * tools (e.g. an MCP Apps dashboard). Tool names must match `^[a-zA-Z0-9_-]{1,64}$` without `__`, so
 * they can never collide with a `<connectorId>__<tool>` name.
 */
export interface AggregateExtension {
  readonly tools?: readonly ExtensionTool[];
  readonly resources?: readonly ExtensionResource[];
}

const EXTENSION_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The validated, indexed union of every extension. */
export class ExtensionSet {
  readonly tools: readonly Tool[];
  readonly resources: readonly Resource[];
  readonly #tools = new Map<string, ExtensionTool>();
  readonly #resources = new Map<string, ExtensionResource>();

  /** @throws GatewayOptionError `CONFIG_INVALID` for an invalid or duplicate tool name or resource URI. */
  constructor(extensions: readonly AggregateExtension[] = []) {
    for (const [i, ext] of extensions.entries()) {
      for (const tool of ext.tools ?? []) this.#addTool(i, tool);
      for (const res of ext.resources ?? []) this.#addResource(i, res);
    }
    this.tools = [...this.#tools.values()].map((t) => t.definition);
    this.resources = [...this.#resources.values()].map((r) => r.resource);
  }

  /** Whether `name` is an extension tool. */
  hasTool(name: string): boolean {
    return this.#tools.has(name);
  }

  /** Calls extension tool `name` (check {@link hasTool} first); failures are branded `isError` results. */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    context: ExtensionCallContext,
    logger: GatewayLogger,
  ): Promise<CallToolResult> {
    const tool = this.#tools.get(name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `brAInwav: unknown tool ${name}`);
    try {
      return await tool.call(args, context);
    } catch (error) {
      logger.warn({ tool: name, err: errorMessage(error) }, 'extension tool failed');
      return errorResult(`tool "${name}" failed: ${errorMessage(error).replace(/^brAInwav: /, '')}`, {
        code: 'TOOL_CALL_FAILED',
      });
    }
  }

  /** Reads extension resource `uri`. @throws the SDK's ResourceNotFoundError (JSON-RPC -32602) for an unknown URI. */
  readResource(uri: string, signal: AbortSignal): Promise<ReadResourceResult> {
    const resource = this.#resources.get(uri);
    if (!resource) throw new ResourceNotFoundError(uri, `brAInwav: unknown resource ${uri.slice(0, 200)}`);
    return resource.read({ signal });
  }

  #addTool(index: number, tool: ExtensionTool): void {
    const name = tool.definition.name;
    if (!EXTENSION_TOOL_NAME.test(name) || name.includes('__')) {
      throw new GatewayOptionError(
        `option "extensions[${index}]" tool name must match ^[a-zA-Z0-9_-]{1,64}$ without "__" (got ${JSON.stringify(name.slice(0, 80))})`,
      );
    }
    if (this.#tools.has(name))
      throw new GatewayOptionError(`option "extensions[${index}]" repeats tool name "${name}"`);
    this.#tools.set(name, tool);
  }

  #addResource(index: number, res: ExtensionResource): void {
    const uri = res.resource.uri;
    if (typeof uri !== 'string' || uri === '')
      throw new GatewayOptionError(`option "extensions[${index}]" has a resource without a uri`);
    if (this.#resources.has(uri))
      throw new GatewayOptionError(
        `option "extensions[${index}]" repeats resource uri "${uri.slice(0, 200)}"`,
      );
    this.#resources.set(uri, res);
  }
}
