/** The transport of a scaffolded connector. */
export type ScaffoldTransport = 'stdio' | 'http';

/** Every transport `cortex-connectors new` can scaffold. */
export const SCAFFOLD_TRANSPORTS: readonly ScaffoldTransport[] = ['stdio', 'http'];

/** What a scaffold is generated from (validated by the `new` command). */
export interface ScaffoldOptions {
  /** Connector id (matches `CONNECTOR_ID_PATTERN`). */
  readonly id: string;
  readonly transport: ScaffoldTransport;
  /** Absolute target directory. */
  readonly dir: string;
  /** Port of the http variant's manifest endpoint (the server itself defaults to `PORT`, else 0). */
  readonly port: number;
}

/** One generated file: its path relative to the target directory and its text. */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/** The version every scaffolded connector starts at. */
export const SCAFFOLD_VERSION = '0.1.0';

/** The core range a scaffolded connector requires (`requiresCore`). */
export const SCAFFOLD_REQUIRES_CORE = '^0.1.0';

/** Default port of the http variant's manifest endpoint (`--port`). */
export const DEFAULT_HTTP_PORT = 7200;

/** The name of the scaffold's one tool. */
export const HELLO_TOOL = 'hello';

/** `hello-world` → `Hello World`. */
export function displayNameOf(id: string): string {
  return id
    .split('-')
    .map((word) => (word === '' ? word : `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`))
    .join(' ');
}

/** The npm package name of a scaffolded connector (also its bin name). */
export function packageNameOf(id: string): string {
  return `cortex-connector-${id}`;
}

/** The text the `hello` tool answers for `name`. */
export function helloText(id: string, name: string): string {
  return `Hello, ${name}! (brAInwav connector ${id})`;
}
