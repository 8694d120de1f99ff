import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ProcessMeasurement {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  exitCode: number | null;
  stdout: string;
}

/** Runs a whole process under GNU time: wall clock, CPU (user + system) and peak RSS. CPU time is
 * reported beside wall time because shared machines are noisy and CPU time suffers less from it. */
export function measureProcess(command: string, args: readonly string[], cwd?: string): ProcessMeasurement {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing: apt-get install time');
  const result = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %U %S %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const line = result.stderr.split('\n').find((l) => l.startsWith('__TIME__ '));
  if (!line) throw new Error(`no timing for ${command} ${args.join(' ')}: ${result.stderr.slice(-500)}`);
  const [wall, user, system, rssKb] = line.split(' ').slice(1).map(Number);
  return { wallSeconds: wall!, cpuSeconds: user! + system!, peakRssMb: rssKb! / 1024, exitCode: result.status, stdout: result.stdout };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}
