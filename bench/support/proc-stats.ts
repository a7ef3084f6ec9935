import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
export function procCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in bytes; 0 once it is gone. */
export function procRssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Direct children of a process. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whole-machine CPU time in seconds: busy (everything but idle and iowait) and total, over all cores. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = values[3] + values[4];
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * CPU used from now until stop(), in percent of one core: this process (service and client),
 * the database (the embedded server is a child of this process), everything else on the
 * machine (high values mean the figures are disturbed), and how busy the machine was.
 */
export function cpuProbe() {
  const database = () => childPids(process.pid).reduce((sum, pid) => sum + procCpuSeconds(pid), 0);
  const started = performance.now();
  const own0 = process.cpuUsage();
  const db0 = database();
  const machine0 = machineCpuSeconds();
  return {
    stop() {
      const wall = (performance.now() - started) / 1000;
      const own = process.cpuUsage(own0);
      const ownSeconds = (own.user + own.system) / 1e6;
      const dbSeconds = database() - db0;
      const machine1 = machineCpuSeconds();
      const busy = machine1.busy - machine0.busy;
      const pct = (seconds: number) => Math.round((1000 * seconds) / wall) / 10;
      return {
        benchProcessCpuPercent: pct(ownSeconds),
        databaseCpuPercent: pct(dbSeconds),
        otherProcessesCpuPercent: Math.max(0, pct(busy - ownSeconds - dbSeconds)),
        machineBusyPercent: Math.round((1000 * busy) / (machine1.total - machine0.total)) / 10,
      };
    },
  };
}
