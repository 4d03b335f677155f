import { describe, expect, it } from 'vitest';
import { checkHostOrigin, defaultHostOriginPolicy, type HostOriginPolicy } from '../src/index.js';

const policy = defaultHostOriginPolicy({
  allowedHosts: ['connectors.example.com'],
  allowedOrigins: ['https://chat.example:8443'],
});
const code = (headers: { host?: string; origin?: string }, localPort?: number): string =>
  ((v) => (v.ok ? 'ok' : v.code))(checkHostOrigin(headers, localPort, policy));

describe('checkHostOrigin', () => {
  it('accepts loopback and configured Host names on any port and refuses others', () => {
    expect(code({ host: 'localhost:7071' }, 7071)).toBe('ok');
    expect(code({ host: '127.0.0.1' }, 7071)).toBe('ok');
    expect(code({ host: '[::1]:7071' }, 7071)).toBe('ok');
    expect(code({ host: 'CONNECTORS.example.com' }, 7071)).toBe('ok');
    for (const host of [
      'evil.example',
      'evil.example:7071',
      'localhost.evil.example',
      'evil@localhost',
      '',
      'localhost/x',
    ])
      expect(code({ host }, 7071), host).toBe('HOST_NOT_ALLOWED');
    expect(code({}, 7071)).toBe('HOST_NOT_ALLOWED');
  });

  it('compares loopback origins with the port the connection arrived on', () => {
    expect(code({ host: 'localhost:7071', origin: 'http://localhost:7071' }, 7071)).toBe('ok');
    expect(code({ host: '127.0.0.1:7071', origin: 'http://127.0.0.1:7071' }, 7071)).toBe('ok');
    expect(code({ host: 'localhost:7071', origin: 'http://localhost:9999' }, 7071)).toBe(
      'ORIGIN_NOT_ALLOWED',
    );
    // a loopback page on the scheme's default port is another local app, not us
    expect(code({ host: 'localhost:7071', origin: 'http://localhost' }, 7071)).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('accepts exact origins only with their own scheme and port', () => {
    expect(code({ host: 'localhost', origin: 'https://chat.example:8443' }, 7071)).toBe('ok');
    expect(code({ host: 'localhost', origin: 'https://chat.example' }, 7071)).toBe('ORIGIN_NOT_ALLOWED');
    expect(code({ host: 'localhost', origin: 'http://chat.example:8443' }, 7071)).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('accepts a configured hostname on the own port and on its default port (TLS proxy), nothing else', () => {
    const host = 'connectors.example.com';
    expect(code({ host, origin: 'https://connectors.example.com' }, 7071)).toBe('ok');
    expect(code({ host, origin: 'http://connectors.example.com:7071' }, 7071)).toBe('ok');
    expect(code({ host, origin: 'https://connectors.example.com:8080' }, 7071)).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('refuses opaque, foreign, path-carrying and non-http origins', () => {
    for (const origin of [
      'null',
      'http://evil.example:7071',
      'http://localhost:7071/x',
      'file://',
      'chrome-extension://abc',
    ])
      expect(code({ host: 'localhost:7071', origin }, 7071), origin).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('uses the Host port as the own port when the socket has none (in-process inject)', () => {
    expect(code({ host: 'localhost:80', origin: 'http://localhost' })).toBe('ok');
    expect(code({ host: 'localhost:80', origin: 'http://localhost:81' })).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('adds the listen host unless it is a wildcard, bracketing IPv6', () => {
    expect(defaultHostOriginPolicy({ listenHost: '10.0.0.5' }).allowedHosts).toContain('10.0.0.5');
    expect(defaultHostOriginPolicy({ listenHost: 'fd00::5' }).allowedHosts).toContain('[fd00::5]');
    for (const listenHost of ['0.0.0.0', '::'])
      expect(defaultHostOriginPolicy({ listenHost }).allowedHosts).toEqual([
        'localhost',
        '127.0.0.1',
        '[::1]',
      ]);
  });

  it('refuses a malformed policy entry with a branded CONFIG_INVALID naming the option', () => {
    const bad: HostOriginPolicy = { allowedHosts: ['localhost:8080'], allowedOrigins: [] };
    expect(() => checkHostOrigin({ host: 'localhost' }, 1, bad)).toThrow(
      'brAInwav: allowedHosts entry "localhost:8080" is not a hostname without port',
    );
    expect(() => defaultHostOriginPolicy({ allowedOrigins: ['ftp://x'] })).toThrow(
      /allowedOrigins entry "ftp:\/\/x" is not a hostname or an http\(s\):\/\/host\[:port\] origin/,
    );
  });
});
