import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { COMMANDS } from '../../reconciler/cli/commands.js';
import { runCli } from '../../reconciler/cli/run-cli.js';
import { type LabEnvironment, startLabEnvironment } from '../lab/lab-environment.js';
import { captureIO } from './capture-io.js';
import { git } from './git-repo.js';

/** Runs pytin in-process in the lab's inventory repository, as an operator there would. */
export async function pytinIn(lab: LabEnvironment, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(lab.repoDir, lab.env);
  const code = await runCli(COMMANDS, args, io);
  return { code, out: io.out(), err: io.err() };
}

/** The lab brought to its inventory's state: started, observed (recording its host keys) and
 * applied. A failed step stops the lab and throws with pytin's output. */
export async function startAppliedLab(): Promise<LabEnvironment> {
  const lab = await startLabEnvironment();
  for (const step of [
    ['observe', '--trust-new-hosts'],
    ['apply', '--auto-approve'],
  ]) {
    const result = await pytinIn(lab, ...step);
    if (result.code !== 0) {
      await lab.stop();
      throw new Error(`pytin ${step.join(' ')} exited ${result.code}: ${result.out}${result.err}`);
    }
  }
  return lab;
}

/** Edits a file of the lab's inventory and commits it (the GitOps way). */
export function commitEdit(lab: LabEnvironment, file: string, edit: (text: string) => string, message = 'edit'): void {
  const path = join(lab.repoDir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  git(lab.repoDir, 'commit', '-qam', message);
}

/** The planned changes of `pytin plan --json`, as `action address` lines. */
export function plannedChanges(jsonLines: string): string[] {
  return jsonLines
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; action?: string; address?: string })
    .filter((m) => m.type === 'planned_change' && m.action !== 'no-op')
    .map((m) => `${m.action} ${m.address}`)
    .sort();
}
