const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 bytes (fatal on invalid sequences). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

interface NodeBuffer {
  from(bytes: Uint8Array): { toString(encoding: 'base64url'): string };
}
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const CHUNK = 0x8000;

/** Base64url (no padding) of bytes: Node's Buffer when present, else chunked `btoa` (browser-safe). */
export function base64url(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes).toString('base64url');
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK)
    parts.push(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  return btoa(parts.join('')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (no padding) to bytes; throws on characters outside the alphabet. */
export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new TypeError('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Lower-case hex SHA-256 of UTF-8 text (WebCrypto, browser-safe). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(utf8(text))));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
