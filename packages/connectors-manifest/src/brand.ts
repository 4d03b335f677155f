/** The brand every response, log line and error message carries. */
export const BRAND = 'brAInwav' as const;

const PREFIX = `${BRAND}: `;

/** Prefixes `message` with `brAInwav: ` unless it already carries the brand. */
export function branded(message: string): string {
  return message.startsWith(PREFIX) ? message : `${PREFIX}${message}`;
}
