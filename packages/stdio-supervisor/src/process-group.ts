import { readdirSync, readFileSync } from 'node:fs';

/** One live process of a group as read from /proc. */
export interface GroupMember {
  readonly pid: number;
  /** /proc state letter (R, S, D, Z, T…). */
  readonly state: string;
}

function readStat(pid: string): { pgrp: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined; // the process exited while we scanned
  }
}

/** Every process whose process group is `pgid`, zombies included, from /proc. */
export function groupMembers(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat?.pgrp === pgid) members.push({ pid: Number(name), state: stat.state });
  }
  return members;
}

/**
 * True while the group has a process that is not a zombie. A zombie can linger when the machine's pid 1 does not reap
 * orphans; it holds no resources but its pid, so it does not count.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return groupMembers(pgid).some((m) => m.state !== 'Z');
}

/** Sends `signal` to every process of the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sum of VmRSS of every process of the group, bytes. */
export function groupRssBytes(pgid: number): number {
  let total = 0;
  for (const member of groupMembers(pgid)) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${member.pid}/status`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true once the group is gone, false when `timeoutMs` passed first. Polls every 20 ms. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(20, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Kills a process group: SIGTERM (plus SIGCONT so stopped members see it), then SIGKILL once `graceMs` passed
 * (`graceMs` <= 0: SIGKILL at once), resolving when no member but zombies is left.
 */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  if (graceMs <= 0) {
    // No grace: SIGKILL at once (a SIGTERM first would let the leader exit "by signal SIGTERM" and run handlers).
    if (signalGroup(pgid, 'SIGKILL')) await waitGroupGone(pgid, 10_000);
    return;
  }
  if (!signalGroup(pgid, 'SIGTERM')) return;
  signalGroup(pgid, 'SIGCONT');
  if (await waitGroupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, 10_000);
}
