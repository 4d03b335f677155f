#!/usr/bin/env node
import { branded, DevAuthError } from './errors.js';
import { startDevAuthServer, type DevAuthServer } from './server.js';
import { devAuthSettings } from './settings.js';

/** Exit code of a configuration error (sysexits `EX_CONFIG`), as the other brAInwav bins use. */
const EXIT_CONFIG = 78;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function die(error: unknown): never {
  const system = error as Partial<NodeJS.ErrnoException>;
  const message =
    error instanceof DevAuthError
      ? `${error.message} [${error.code}]`
      : typeof system.syscall === 'string'
        ? branded(`dev-auth failed to start: ${system.message ?? system.code}`)
        : branded(`dev-auth failed to start (${error instanceof Error ? error.message : String(error)})`);
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof DevAuthError ? EXIT_CONFIG : 1);
}

async function start(): Promise<DevAuthServer> {
  const settings = await devAuthSettings(process.env, process.cwd());
  const server = await startDevAuthServer({ ...settings.options, log: say });
  if (settings.ephemeralKey)
    say('brAInwav dev-auth ▸ DEV_AUTH_JWKS is not set: an ephemeral key signs tokens (gone on restart)');
  const { clients, users } = settings.options;
  say(
    `brAInwav dev-auth ▸ clients ${clients.map((c) => c.client_id).join(', ') || '(none)'}; users ${users.map((u) => u.sub).join(', ') || '(none)'}; dynamic registration open; config ${settings.configPath}`,
  );
  return server;
}

function stopOnSignals(server: DevAuthServer): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

start().then(stopOnSignals, die);
