import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU used per process group over an interval, from Linux's /proc/<pid>/stat (user + system
 * ticks): what each part of a benchmark costs the machine, when they share its cores; and, from
 * /proc/stat, the machine's idle time and the time its hypervisor took away (steal), which tell a
 * slow run on a busy box from one on a box whose host was busy. On a system without /proc it
 * measures nothing and says so.
 */
export type CpuGroups = Record<string, (command: string, pid: number) => boolean>;

const ticksPerSecond = 100; // USER_HZ: 100 on every Linux architecture Node supports

function snapshot(groups: CpuGroups): Map<number, { group: string; ticks: number }> {
  const seen = new Map<number, { group: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after it.
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const group = Object.keys(groups).find((name) => groups[name]!(command, pid));
      if (!group) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(pid, { group, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return seen;
}

/** The machine's idle and steal ticks, summed over its cores (the first line of /proc/stat). */
function machineTicks(): { idle: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3]! + fields[4]!, steal: fields[7] ?? 0 };
}

export interface CpuUsed {
  /** Each group's share of one core, in %. */
  groups: Record<string, number>;
  /** The machine's idle time and the time its hypervisor took (steal), in % of one core. */
  idle: number;
  steal: number;
}

/** Starts measuring; the returned function ends it and gives what each group and the machine used. */
export function measureCpu(groups: CpuGroups): () => CpuUsed | undefined {
  let before: ReturnType<typeof snapshot>;
  let machineBefore: ReturnType<typeof machineTicks>;
  try {
    before = snapshot(groups);
    machineBefore = machineTicks();
  } catch {
    return () => undefined;
  }
  const started = performance.now();
  return () => {
    const after = snapshot(groups);
    const machine = machineTicks();
    const seconds = (performance.now() - started) / 1000;
    const percent = (ticks: number) => Math.round((100 * ticks) / ticksPerSecond / seconds);
    const used: Record<string, number> = Object.fromEntries(Object.keys(groups).map((name) => [name, 0]));
    for (const [pid, { group, ticks }] of after) used[group]! += ticks - (before.get(pid)?.ticks ?? 0);
    return {
      groups: Object.fromEntries(Object.entries(used).map(([group, ticks]) => [group, percent(ticks)])),
      idle: percent(machine.idle - machineBefore.idle),
      steal: percent(machine.steal - machineBefore.steal),
    };
  };
}
