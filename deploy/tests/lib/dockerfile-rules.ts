import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/** A broken rule: its id (hadolint's where one exists) and what is wrong. */
export interface Finding {
  readonly rule: string;
  readonly message: string;
}

const SECRET_NAME = /(KEY|SECRET|TOKEN|PASSWORD|JWK|CREDENTIAL)/i;
const upper = (i: Instruction): string => i.getKeyword().toUpperCase();
const args = (i: Instruction): string[] => i.getArguments().map((a) => a.getValue());

function baseImages(instructions: Instruction[]): { image: string; stage?: string }[] {
  return instructions
    .filter((i) => upper(i) === 'FROM')
    .map((i) => {
      const a = args(i).filter((x) => !x.startsWith('--'));
      return { image: a[0] ?? '', stage: a[2] };
    });
}

function pinnedBase(instructions: Instruction[]): Finding[] {
  const stages = new Set(
    baseImages(instructions)
      .map((b) => b.stage)
      .filter(Boolean),
  );
  return baseImages(instructions)
    .filter((b) => !stages.has(b.image))
    .flatMap(({ image }) => {
      if (/@sha256:[0-9a-f]{64}$/.test(image) || /:\d+\.\d+\.\d+[\w.-]*$/.test(image)) return [];
      const rule = /:latest$/.test(image) ? 'DL3007' : 'DL3006';
      return [{ rule, message: `base image ${image} is not pinned to an exact version or a digest` }];
    });
}

function lastUser(instructions: Instruction[]): Finding[] {
  const users = instructions.filter((i) => upper(i) === 'USER');
  const lastFrom = instructions.map(upper).lastIndexOf('FROM');
  const final = users.filter((u) => instructions.indexOf(u) > lastFrom).at(-1);
  const user = final ? (args(final)[0] ?? '') : 'root';
  const cmd = instructions.map(upper).lastIndexOf('CMD');
  if (/^(root|0)(:|$)/.test(user) || !final)
    return [{ rule: 'DL3002', message: `the final stage runs as ${user}` }];
  if (cmd !== -1 && instructions.indexOf(final) > cmd)
    return [{ rule: 'DL3002', message: 'USER comes after CMD' }];
  return [];
}

function noUrlAdd(instructions: Instruction[]): Finding[] {
  return instructions
    .filter((i) => upper(i) === 'ADD')
    .map((i) => ({
      rule: 'DL3020',
      message: `ADD ${args(i).join(' ')}: use COPY (ADD fetches URLs, unpacks archives)`,
    }));
}

function noSecretsInEnv(instructions: Instruction[]): Finding[] {
  return instructions
    .filter((i) => upper(i) === 'ENV' || upper(i) === 'ARG')
    .flatMap((i) => args(i).map((a) => a.split('=')[0] ?? ''))
    .filter((name) => SECRET_NAME.test(name))
    .map((name) => ({
      rule: 'secret-in-env',
      message: `${name} in ENV/ARG is baked into the image history`,
    }));
}

function healthcheck(instructions: Instruction[]): Finding[] {
  const found = instructions.some(
    (i) => upper(i) === 'HEALTHCHECK' && !/\bNONE\b/i.test(i.getArgumentsContent() ?? ''),
  );
  return found ? [] : [{ rule: 'healthcheck', message: 'no HEALTHCHECK' }];
}

function initProcess(instructions: Instruction[]): Finding[] {
  const entry = instructions.filter((i) => upper(i) === 'ENTRYPOINT').at(-1);
  return entry && /tini|dumb-init/.test(entry.getArgumentsContent() ?? '')
    ? []
    : [{ rule: 'init', message: 'ENTRYPOINT does not start an init (tini) as PID 1' }];
}

function pinnedPackages(instructions: Instruction[]): Finding[] {
  return instructions
    .filter((i) => upper(i) === 'RUN' && /apt-get install/.test(i.getArgumentsContent() ?? ''))
    .flatMap((i) => {
      const words = (i.getArgumentsContent() ?? '')
        .split(/apt-get install/)[1]!
        .split('&&')[0]!
        .split(/\s+/);
      return words
        .filter((w) => w !== '' && !w.startsWith('-') && w !== '\\' && !w.includes('='))
        .map((w) => ({ rule: 'DL3008', message: `apt package ${w} is not pinned` }));
    });
}

/** hadolint-style rules over a Dockerfile's text: every finding, empty when the file passes. */
export function lintDockerfile(text: string): Finding[] {
  const instructions = DockerfileParser.parse(text).getInstructions();
  return [pinnedBase, lastUser, noUrlAdd, noSecretsInEnv, healthcheck, initProcess, pinnedPackages].flatMap(
    (rule) => rule(instructions),
  );
}
