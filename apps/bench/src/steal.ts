import { readFileSync } from 'node:fs';

/** The machine's CPU time so far, all CPUs together, in the kernel's ticks (Linux). */
export interface CpuTimes {
  /** Time the hypervisor ran something else while this machine's CPUs wanted to run. */
  steal: number;
  /** user + nice + system + idle + iowait + irq + softirq + steal. */
  total: number;
}

/**
 * Reads the first line of /proc/stat; `undefined` where there is none (not Linux). On a
 * virtual machine whose host is oversubscribed, steal is what makes one run measure the same
 * code up to twice as slow as another: the figures of a window with much steal are not the
 * code's alone.
 */
export function cpuTimes(): CpuTimes | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  const fields = line?.split(/\s+/);
  if (fields?.[0] !== 'cpu' || fields.length < 9) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const ticks = fields.slice(1, 9).map(Number);
  if (!ticks.every(Number.isFinite)) return undefined;
  return { steal: ticks[7] as number, total: ticks.reduce((sum, t) => sum + t, 0) };
}

/** Percent of the machine's CPU time stolen between two readings; `undefined` without both. */
export function stealPercent(
  before: CpuTimes | undefined,
  after: CpuTimes | undefined,
): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}
