import { ConnectorsError } from '@cortex-os/connectors-manifest';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Base class of every CLI error: a stable `code`, a message starting with `brAInwav: ` that never
 * contains a secret value, the `cause` kept, and the process `exitCode` the CLI ends with.
 */
export class CliError extends ConnectorsError {
  /** Exit code `run` returns for this error ({@link EXIT}). */
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options?: { cause?: unknown; exitCode?: ExitCode }) {
    super(code, message, options);
    this.exitCode = options?.exitCode ?? EXIT.FAILURE;
  }
}

/**
 * The command line is wrong: unknown command or option, missing or extra argument, bad option value
 * (code `USAGE`, exit 64). `command` names the command whose usage is printed after the message.
 */
export class UsageError extends CliError {
  /** Command whose usage applies (`undefined` for the global usage). */
  readonly command: string | undefined;

  constructor(message: string, command?: string, options?: { cause?: unknown }) {
    super('USAGE', message, { ...options, exitCode: EXIT.USAGE });
    this.command = command;
  }
}

/**
 * A key (signing or verification) is missing or malformed (code `KEY_INVALID`, exit 1). The message
 * names the variable, option or file it came from, never its value.
 */
export class KeyConfigError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEY_INVALID', message, options);
  }
}

/** A file could not be read or written (code `FILE_IO`, exit 1); names the path and the system error code. */
export class FileError extends CliError {
  constructor(action: 'read' | 'write', path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    super('FILE_IO', `could not ${action} ${path} (${code})`, { cause });
  }
}
