/** The rotation arithmetic of a backup series: pure, no I/O.
 *
 * Indexes start at 1. A sequence is one full archive followed by `iterations - 1` increments, so
 * full archives are 1, I+1, 2I+1, ... After index n is safely written, the series keeps the
 * current sequence (the one n belongs to) plus `keepSequences` complete sequences before it:
 * always I*K archives plus those of the current sequence. With I=5, K=1: 1-5 go when 11 is made,
 * 6-10 when 16 is made. */

export type ArchiveKind = 'full' | 'incremental';

export interface RotationPolicy {
  /** Archives per sequence (>= 1); 1 makes every archive a full one. */
  iterations: number;
  /** Complete sequences kept besides the current one (>= 0). */
  keepSequences: number;
}

/** 0-based number of the sequence that `index` belongs to. */
export function sequenceOf(index: number, iterations: number): number {
  return Math.floor((index - 1) / iterations);
}

/** The full archive that starts `index`'s sequence. */
export function fullIndexOf(index: number, iterations: number): number {
  return sequenceOf(index, iterations) * iterations + 1;
}

export function archiveKind(index: number, iterations: number): ArchiveKind {
  return fullIndexOf(index, iterations) === index ? 'full' : 'incremental';
}

/** The lowest index still kept once `index` has been made. */
export function oldestRetainedAfter(index: number, policy: RotationPolicy): number {
  const firstKeptSequence = sequenceOf(index, policy.iterations) - policy.keepSequences;
  return Math.max(1, firstKeptSequence * policy.iterations + 1);
}

/** Which of the `existing` indexes are removed once `newIndex` is safe. */
export function prunedByRun(newIndex: number, existing: readonly number[], policy: RotationPolicy): number[] {
  const oldest = oldestRetainedAfter(newIndex, policy);
  return existing.filter((index) => index < oldest).sort((a, b) => a - b);
}

/** The index of the run that will remove `index`: the full archive that starts the sequence
 * `keepSequences + 1` after `index`'s own. */
export function prunedWhenIndex(index: number, policy: RotationPolicy): number {
  return (sequenceOf(index, policy.iterations) + policy.keepSequences + 1) * policy.iterations + 1;
}

export function validateRotationPolicy(policy: RotationPolicy): string | undefined {
  if (!Number.isSafeInteger(policy.iterations) || policy.iterations < 1) return `iterations must be an integer >= 1, got ${policy.iterations}`;
  if (!Number.isSafeInteger(policy.keepSequences) || policy.keepSequences < 0) return `keepSequences must be an integer >= 0, got ${policy.keepSequences}`;
  return undefined;
}
