import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { LocalRunner } from '../../reconciler/transports/local-runner.js';
import { makeTempDir } from './daemon.js';

/** A line tc refuses while parsing (an unknown rate): appended to a batch, tc stops there after
 * running every line before it, which is how a real batch fails partway. */
const REFUSED_LINE = 'class add dev lo parent 7079: classid 7079:1 htb rate nonsense';

/**
 * The real tc behind a wrapper script first on the PATH of a namespace's runner: every call runs
 * the real /usr/sbin/tc unchanged, except the calls a test arms (each flag is a file holding how
 * many calls it still applies to). This is how the tests make tc fail at a chosen point of an
 * apply on a real kernel, without a fake of tc's output. Arming is done between pytin's calls
 * (the wrapper reads the flags when tc is called), so nothing here depends on timing.
 */
export interface WrappedTc {
  /** Runs commands in the namespace with the wrapper first on the PATH. */
  runner: LocalRunner;
  /** The command prefix of `runner` (`ip netns exec NS env PATH=...`), for a test's own spawn. */
  prefix: readonly string[];
  /** Where the flags (and the `held` marker) live. */
  dir: string;
  /** The next `tc -batch FILE` gets REFUSED_LINE appended: it runs partway, then fails. */
  breakBatch(): Promise<void>;
  /** The next `count` `tc -force -batch` calls (restores) fail without running anything. */
  refuseRestores(count: number): Promise<void>;
  /** Once the next `tc -batch FILE` has run, the next `count` `tc -j ... show` listings fail. */
  refuseReadsAfterBatch(count: number): Promise<void>;
  /** Right after the next `tc -batch FILE` succeeds, runs `tc ARGS` (someone else's change racing
   * pytin's read-back). */
  changeAfterBatch(args: string): Promise<void>;
  /** The next `tc -batch FILE` waits, after creating `held`, until `release` exists (bounded). */
  holdBatch(): Promise<void>;
  remove(): Promise<void>;
}

function script(flags: string): string {
  // Plain POSIX sh; `take NAME` consumes one use of a flag.
  return `#!/bin/sh
# pytin test double around the real tc (test/lab/tc-wrapper.ts)
real=/usr/sbin/tc
flags='${flags}'
take() {
  f="$flags/$1"; [ -e "$f" ] || return 1
  n=$(cat "$f"); if [ "$n" -le 1 ]; then rm -f "$f"; else echo $((n - 1)) > "$f"; fi
  return 0
}
case "$1" in
  -batch)
    if take hold-batch; then
      : > "$flags/held"; i=0
      while [ ! -e "$flags/release" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
    fi
    file=$2
    if take break-batch; then { cat "$2"; echo '${REFUSED_LINE}'; } > "$flags/broken-batch"; file="$flags/broken-batch"; fi
    "$real" -batch "$file"; s=$?
    if [ -e "$flags/reads-after-batch" ]; then mv "$flags/reads-after-batch" "$flags/refuse-reads"; fi
    if [ $s -eq 0 ] && [ -e "$flags/change-after-batch" ]; then
      args=$(cat "$flags/change-after-batch"); rm -f "$flags/change-after-batch"
      # shellcheck disable=SC2086
      "$real" $args
    fi
    exit $s ;;
  -force)
    if take refuse-restore; then echo 'tc (test wrapper): restore refused' >&2; exit 1; fi ;;
  -j)
    if take refuse-reads; then echo 'tc (test wrapper): listing refused' >&2; exit 1; fi ;;
esac
exec "$real" "$@"
`;
}

/** The wrapper for the network namespace `namespace`. */
export async function wrapTc(namespace: string): Promise<WrappedTc> {
  const dir = await makeTempDir('tc-wrapper');
  const bin = join(dir.path, 'bin');
  const flags = join(dir.path, 'flags');
  await mkdir(bin);
  await mkdir(flags);
  await writeFile(join(bin, 'tc'), script(flags));
  await chmod(join(bin, 'tc'), 0o755);
  const arm = (name: string, content: string) => writeFile(join(flags, name), content);
  const prefix = ['ip', 'netns', 'exec', namespace, 'env', `PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`];
  return {
    runner: new LocalRunner(namespace, prefix),
    prefix,
    dir: flags,
    breakBatch: () => arm('break-batch', '1'),
    refuseRestores: (count) => arm('refuse-restore', String(count)),
    refuseReadsAfterBatch: (count) => arm('reads-after-batch', String(count)),
    changeAfterBatch: (args) => arm('change-after-batch', args),
    holdBatch: () => arm('hold-batch', '1'),
    remove: () => dir.remove(),
  };
}
