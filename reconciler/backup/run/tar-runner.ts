import { spawn } from 'node:child_process';

export interface TarOutcome {
  /** null when tar was killed or could not start. */
  exitStatus: number | null;
  signal: NodeJS.Signals | null;
  /** The end of tar's stderr (its messages), kept to explain failures. */
  stderr: string;
  /** Set when tar could not be started at all. */
  spawnError: string | null;
}

/** GNU tar's exit statuses: 0 fine; 1 "some files differ" (changed or vanished while read: the
 * archive is still valid); 2 fatal. */
export type TarVerdict = 'ok' | 'files-changed' | 'failed' | 'killed' | 'not-started';

export function tarVerdict(outcome: TarOutcome): TarVerdict {
  if (outcome.spawnError !== null) return 'not-started';
  if (outcome.signal !== null) return 'killed';
  switch (outcome.exitStatus) {
    case 0:
      return 'ok';
    case 1:
      return 'files-changed';
    default:
      return 'failed';
  }
}

const STDERR_KEEP = 16 * 1024;

export interface TarRunOptions {
  /** Called with tar's pid as soon as it runs (tests kill it by this pid). */
  onStarted?: (pid: number) => void;
  tarCommand?: string;
  /** Descriptors the engine opened itself (never through a symbolic link) and hands to tar, which
   * then opens no file of the target by name: its stdin (`--file=-` when reading an archive), its
   * stdout (`--file=-` when writing one) and its fd 3 (`--listed-incremental=/dev/fd/3`). */
  stdin?: number;
  stdout?: number;
  fd3?: number;
}

/** Runs GNU tar with `args` in the C locale (its messages are then stable to match on), without
 * TAR_OPTIONS: options from the environment (say --absolute-names, --dereference) would change
 * what the engine's own arguments mean. */
export function runTar(args: readonly string[], options: TarRunOptions = {}): Promise<TarOutcome> {
  return new Promise((resolve) => {
    const { TAR_OPTIONS: _ignored, ...environment } = process.env;
    const child = spawn(options.tarCommand ?? 'tar', args, {
      stdio: [options.stdin ?? 'ignore', options.stdout ?? 'ignore', 'pipe', ...(options.fd3 !== undefined ? [options.fd3] : [])],
      env: { ...environment, LC_ALL: 'C', LANG: 'C' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    let settled = false;
    child.once('error', (error) => {
      if (settled) return;
      settled = true;
      resolve({ exitStatus: null, signal: null, stderr, spawnError: error.message });
    });
    child.once('spawn', () => {
      if (child.pid !== undefined) options.onStarted?.(child.pid);
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      resolve({ exitStatus: code, signal, stderr, spawnError: null });
    });
  });
}

/** tar's messages, one per line, without the `tar: ` prefix; the last `max` of them. */
export function tarMessages(stderr: string, max = 8): string[] {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^tar: /, '').trim())
    .filter((l) => l !== '' && l !== 'Exiting with failure status due to previous errors');
  return lines.slice(-max);
}
