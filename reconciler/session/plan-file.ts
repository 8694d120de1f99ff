import { readFile, rename, writeFile } from 'node:fs/promises';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { type Plan, PLAN_FORMAT_VERSION } from '../plan/plan.js';
import { planHash } from '../plan/plan-identity.js';

/** A saved plan: the plan and a hash of its changes (recorded with every apply of it). */
export interface SavedPlan {
  format: number;
  tool: 'pytin';
  planHash: string;
  plan: Plan;
}

export async function writeSavedPlan(path: string, plan: Plan): Promise<void> {
  const saved: SavedPlan = { format: PLAN_FORMAT_VERSION, tool: 'pytin', planHash: planHash(plan), plan };
  await writeFile(`${path}.tmp`, JSON.stringify(saved, null, 1) + '\n', { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

/** Reads a saved plan; a file that is not one (or was edited: the hash no longer matches) is a
 * diagnostic, never a crash. */
export async function readSavedPlan(path: string): Promise<SavedPlan | Diagnostic> {
  const problem = (summary: string): Diagnostic => ({ severity: 'error', code: 'PLAN_FILE_UNREADABLE', summary });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return problem(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let saved: SavedPlan;
  try {
    saved = JSON.parse(text) as SavedPlan;
  } catch {
    return problem(`${path} is not JSON; save plans with pytin plan --out FILE`);
  }
  if (saved?.tool !== 'pytin' || typeof saved.plan !== 'object' || !Array.isArray(saved.plan?.changes)) return problem(`${path} is not a pytin plan`);
  if (saved.format !== PLAN_FORMAT_VERSION) return problem(`${path} has plan format ${String(saved.format)}; this pytin reads format ${PLAN_FORMAT_VERSION}`);
  if (saved.planHash !== planHash(saved.plan)) return problem(`${path} was modified after it was saved (its hash does not match); plan again`);
  return saved;
}

/** Why a saved plan no longer fits the world, or undefined when it still does. */
export function staleness(saved: Plan, now: { commit: string | null; factsFingerprint: string }): string | undefined {
  const reasons: string[] = [];
  if (saved.revision.commit !== now.commit)
    reasons.push(
      `the inventory is now at ${now.commit?.slice(0, 12) ?? 'no commit'}, the plan was made at ${saved.revision.commit?.slice(0, 12) ?? 'no commit'}`,
    );
  if (saved.factsFingerprint !== now.factsFingerprint) reasons.push('the observed hosts changed since the plan was made (facts fingerprint differs)');
  return reasons.length ? reasons.join('; ') : undefined;
}
