/** Something text can be written to (`process.stdout`, a test buffer). */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Environment variables as the CLI reads them (usually `process.env`). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/**
 * Everything a command touches outside its arguments, injected so tests capture output and control
 * the environment, the clock and the network. Only `bin.ts` passes `process.*` here.
 */
export interface CliIO {
  /** Normal output (results, JSON, checklists). */
  readonly stdout: TextSink;
  /** Errors, verification failures and usage. */
  readonly stderr: TextSink;
  /** Environment variables (keys, API keys, `CONNECTORS_MANIFEST_PATH`, secretRef targets). */
  readonly env: CliEnv;
  /** Base directory of relative paths (absolute). */
  readonly cwd: string;
  /** Current time in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** `fetch` used by `verify <url>` (default the global `fetch`). */
  readonly fetch?: typeof fetch;
}

/** Secrets shorter than this are not redacted (they would garble ordinary words). */
const MIN_REDACTED_LENGTH = 8;

/** The text printed instead of a secret value. */
export const REDACTED = '[redacted]';

/**
 * Output of one command run: line-oriented writes to stdout/stderr through a redactor, so a secret
 * value registered with {@link Output.secret} can never reach the terminal, even inside an upstream
 * error message.
 */
export class Output {
  readonly #io: CliIO;
  readonly #secrets = new Set<string>();

  constructor(io: CliIO) {
    this.#io = io;
  }

  /** Registers secret values (API keys, HS256 secrets, private JWK `d`, resolved secretRefs) to redact. */
  secret(...values: readonly (string | undefined)[]): void {
    for (const value of values) if (value && value.length >= MIN_REDACTED_LENGTH) this.#secrets.add(value);
  }

  /** Writes one line to stdout. */
  out(line: string): void {
    this.#io.stdout.write(`${this.redact(line)}\n`);
  }

  /** Writes text to stdout as is (no newline added), redacted. */
  raw(text: string): void {
    this.#io.stdout.write(this.redact(text));
  }

  /** Writes text to stdout without redaction: only for `keygen`, which prints a new key by design. */
  unredacted(text: string): void {
    this.#io.stdout.write(text);
  }

  /** Writes one line to stderr. */
  err(line: string): void {
    this.#io.stderr.write(`${this.redact(line)}\n`);
  }

  /** `text` with every registered secret replaced by {@link REDACTED} (longest first). */
  redact(text: string): string {
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    return secrets.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
  }
}
