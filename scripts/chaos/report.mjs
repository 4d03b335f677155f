// Writes the chaos report: report.json (everything) and report.md (figures and checks per scenario).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const cell = (v) =>
  (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)).replaceAll('|', '\\|');

function scenarioMarkdown(s) {
  const lines = [`## ${s.name}: ${s.status.toUpperCase()}`, '', s.description, ''];
  if (s.reason) return [...lines, `_${s.reason}_`, ''].join('\n');
  lines.push('| check | value | limit | ok |', '| --- | --- | --- | --- |');
  for (const c of s.checks)
    lines.push(`| ${cell(c.what)} | ${cell(c.value)} | ${cell(c.limit)} | ${c.ok ? 'yes' : '**NO**'} |`);
  lines.push('', '| figure | value |', '| --- | --- |');
  for (const [k, v] of Object.entries(s.figures)) lines.push(`| ${k} | ${cell(v)} |`);
  return [...lines, ''].join('\n');
}

/** Writes report.json and report.md under `dir`; returns their paths. */
export function writeReport(dir, run) {
  mkdirSync(dir, { recursive: true });
  const json = resolve(dir, 'report.json');
  const md = resolve(dir, 'report.md');
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  const failed = run.scenarios.filter((s) => s.status === 'fail').map((s) => s.name);
  const head = [
    '# brAInwav chaos run',
    '',
    `- started ${run.startedAt}, took ${run.durationSeconds} s, profile \`${run.profile}\`, node ${run.node}, ${run.cpus} CPUs`,
    `- stack as \`npm start\` runs it: asbr, the connectors server, server-everything (streamableHttp), two fixture servers and a hostile upstream, each its own process on free loopback ports (\`scripts/chaos/stack.mjs\`)`,
    `- settings: ${Object.entries(run.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    `- result: **${failed.length ? `FAIL (${failed.join(', ')})` : 'PASS'}**`,
    '',
    '| scenario | status |',
    '| --- | --- |',
    ...run.scenarios.map((s) => `| ${s.name} | ${s.status} |`),
    '',
  ];
  writeFileSync(md, [...head, ...run.scenarios.map(scenarioMarkdown)].join('\n'));
  return { json, md };
}
