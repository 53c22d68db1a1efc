import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU used per process group over an interval, from Linux's /proc/<pid>/stat (user + system
 * ticks): what each part of a benchmark costs the machine, when they share its cores. On a
 * system without /proc it measures nothing and says so.
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

/** Starts measuring; the returned function ends it and gives each group's share of one core, in %. */
export function measureCpu(groups: CpuGroups): () => Record<string, number> | undefined {
  let before: ReturnType<typeof snapshot>;
  try {
    before = snapshot(groups);
  } catch {
    return () => undefined;
  }
  const started = performance.now();
  return () => {
    const after = snapshot(groups);
    const seconds = (performance.now() - started) / 1000;
    const used: Record<string, number> = Object.fromEntries(Object.keys(groups).map((name) => [name, 0]));
    for (const [pid, { group, ticks }] of after) used[group]! += ticks - (before.get(pid)?.ticks ?? 0);
    return Object.fromEntries(Object.entries(used).map(([group, ticks]) => [group, Math.round((100 * ticks) / ticksPerSecond / seconds)]));
  };
}
