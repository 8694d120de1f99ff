import { spawn, spawnSync } from 'node:child_process';
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

export interface TimedLine {
  /** Milliseconds from the process's start to the arrival of this line on its standard output. */
  atMs: number;
  text: string;
}

/** Like measureProcess, without blocking, and with each line of standard output stamped with its
 * arrival time: how a bench splits a whole process into phases without pytin timing itself. */
export function measureProcessLines(command: string, args: readonly string[], cwd?: string): Promise<ProcessMeasurement & { lines: TimedLine[] }> {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing: apt-get install time');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '__TIME__ %e %U %S %M', command, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: TimedLine[] = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const atMs = performance.now() - started;
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      for (const text of parts) lines.push({ atMs, text });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      if (pending) lines.push({ atMs: performance.now() - started, text: pending });
      const line = stderr.split('\n').find((l) => l.startsWith('__TIME__ '));
      if (!line) {
        reject(new Error(`no timing for ${command} ${args.join(' ')}: ${stderr.slice(-500)}`));
        return;
      }
      const [wall, user, system, rssKb] = line.split(' ').slice(1).map(Number);
      resolve({
        wallSeconds: wall!,
        cpuSeconds: user! + system!,
        peakRssMb: rssKb! / 1024,
        exitCode,
        stdout: lines.map((l) => l.text).join('\n'),
        lines,
      });
    });
  });
}
