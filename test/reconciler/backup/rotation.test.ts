import assert from 'node:assert/strict';
import { test } from 'node:test';

import { archiveKind, prunedByRun, prunedWhenIndex, type RotationPolicy, validateRotationPolicy } from '../../../reconciler/backup/series/rotation.js';

/** One row per run: the index made, its kind ('F' full, 'i' incremental), what that run prunes and
 * what remains afterwards. Written out by hand from the rule in DESIGN.md, not computed. */
type Row = readonly [index: number, kind: 'F' | 'i', pruned: string, kept: string];

/** Drives the rotation the way a series does: make n, then drop what the policy prunes. */
function simulate(policy: RotationPolicy, runs: number): Row[] {
  let existing: number[] = [];
  const rows: Row[] = [];
  for (let n = 1; n <= runs; n++) {
    existing.push(n);
    const pruned = prunedByRun(n, existing, policy);
    existing = existing.filter((i) => !pruned.includes(i));
    rows.push([n, archiveKind(n, policy.iterations) === 'full' ? 'F' : 'i', ranges(pruned), ranges(existing)]);
  }
  return rows;
}

/** [1,2,3,5] -> "1-3,5" */
function ranges(indexes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length;) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1) j++;
    parts.push(i === j ? `${indexes[i]}` : `${indexes[i]}-${indexes[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const I5_K1: Row[] = [
  [1, 'F', '', '1'],
  [2, 'i', '', '1-2'],
  [3, 'i', '', '1-3'],
  [4, 'i', '', '1-4'],
  [5, 'i', '', '1-5'],
  [6, 'F', '', '1-6'],
  [7, 'i', '', '1-7'],
  [8, 'i', '', '1-8'],
  [9, 'i', '', '1-9'],
  [10, 'i', '', '1-10'],
  [11, 'F', '1-5', '6-11'],
  [12, 'i', '', '6-12'],
  [13, 'i', '', '6-13'],
  [14, 'i', '', '6-14'],
  [15, 'i', '', '6-15'],
  [16, 'F', '6-10', '11-16'],
  [17, 'i', '', '11-17'],
  [18, 'i', '', '11-18'],
  [19, 'i', '', '11-19'],
  [20, 'i', '', '11-20'],
  [21, 'F', '11-15', '16-21'],
  [22, 'i', '', '16-22'],
  [23, 'i', '', '16-23'],
  [24, 'i', '', '16-24'],
  [25, 'i', '', '16-25'],
  [26, 'F', '16-20', '21-26'],
  [27, 'i', '', '21-27'],
];

const I5_K0: Row[] = [
  [1, 'F', '', '1'],
  [2, 'i', '', '1-2'],
  [3, 'i', '', '1-3'],
  [4, 'i', '', '1-4'],
  [5, 'i', '', '1-5'],
  [6, 'F', '1-5', '6'],
  [7, 'i', '', '6-7'],
  [8, 'i', '', '6-8'],
  [9, 'i', '', '6-9'],
  [10, 'i', '', '6-10'],
  [11, 'F', '6-10', '11'],
  [12, 'i', '', '11-12'],
  [13, 'i', '', '11-13'],
  [14, 'i', '', '11-14'],
  [15, 'i', '', '11-15'],
  [16, 'F', '11-15', '16'],
  [17, 'i', '', '16-17'],
  [18, 'i', '', '16-18'],
  [19, 'i', '', '16-19'],
  [20, 'i', '', '16-20'],
  [21, 'F', '16-20', '21'],
  [22, 'i', '', '21-22'],
  [23, 'i', '', '21-23'],
  [24, 'i', '', '21-24'],
  [25, 'i', '', '21-25'],
  [26, 'F', '21-25', '26'],
  [27, 'i', '', '26-27'],
];

const I5_K2: Row[] = [
  [1, 'F', '', '1'],
  [2, 'i', '', '1-2'],
  [3, 'i', '', '1-3'],
  [4, 'i', '', '1-4'],
  [5, 'i', '', '1-5'],
  [6, 'F', '', '1-6'],
  [7, 'i', '', '1-7'],
  [8, 'i', '', '1-8'],
  [9, 'i', '', '1-9'],
  [10, 'i', '', '1-10'],
  [11, 'F', '', '1-11'],
  [12, 'i', '', '1-12'],
  [13, 'i', '', '1-13'],
  [14, 'i', '', '1-14'],
  [15, 'i', '', '1-15'],
  [16, 'F', '1-5', '6-16'],
  [17, 'i', '', '6-17'],
  [18, 'i', '', '6-18'],
  [19, 'i', '', '6-19'],
  [20, 'i', '', '6-20'],
  [21, 'F', '6-10', '11-21'],
  [22, 'i', '', '11-22'],
  [23, 'i', '', '11-23'],
  [24, 'i', '', '11-24'],
  [25, 'i', '', '11-25'],
  [26, 'F', '11-15', '16-26'],
  [27, 'i', '', '16-27'],
];

/** Iterations 1: every archive is a full one, each its own sequence. */
const I1_K1: Row[] = [
  [1, 'F', '', '1'],
  [2, 'F', '', '1-2'],
  [3, 'F', '1', '2-3'],
  [4, 'F', '2', '3-4'],
  [5, 'F', '3', '4-5'],
  [6, 'F', '4', '5-6'],
  [7, 'F', '5', '6-7'],
  [8, 'F', '6', '7-8'],
  [9, 'F', '7', '8-9'],
  [10, 'F', '8', '9-10'],
  [11, 'F', '9', '10-11'],
  [12, 'F', '10', '11-12'],
  [13, 'F', '11', '12-13'],
  [14, 'F', '12', '13-14'],
  [15, 'F', '13', '14-15'],
  [16, 'F', '14', '15-16'],
  [17, 'F', '15', '16-17'],
  [18, 'F', '16', '17-18'],
  [19, 'F', '17', '18-19'],
  [20, 'F', '18', '19-20'],
  [21, 'F', '19', '20-21'],
  [22, 'F', '20', '21-22'],
  [23, 'F', '21', '22-23'],
  [24, 'F', '22', '23-24'],
  [25, 'F', '23', '24-25'],
  [26, 'F', '24', '25-26'],
  [27, 'F', '25', '26-27'],
];

const I1_K0: Row[] = Array.from({ length: 27 }, (_, i) => [i + 1, 'F', i === 0 ? '' : `${i}`, `${i + 1}`] as const);

const TABLES: ReadonlyArray<readonly [string, RotationPolicy, Row[]]> = [
  ['iterations 5, keepSequences 1', { iterations: 5, keepSequences: 1 }, I5_K1],
  ['iterations 5, keepSequences 0', { iterations: 5, keepSequences: 0 }, I5_K0],
  ['iterations 5, keepSequences 2', { iterations: 5, keepSequences: 2 }, I5_K2],
  ['iterations 1, keepSequences 1', { iterations: 1, keepSequences: 1 }, I1_K1],
  ['iterations 1, keepSequences 0', { iterations: 1, keepSequences: 0 }, I1_K0],
];

for (const [label, policy, table] of TABLES) {
  test(`rotation over runs 1..27 with ${label} makes fulls and prunes as the table says`, () => {
    assert.deepEqual(simulate(policy, 27), table);
  });

  test(`with ${label} every archive is announced as pruned by the run that prunes it`, () => {
    for (const [index, , pruned] of table) {
      for (const part of pruned.split(',').filter(Boolean)) {
        const [from, to] = part.split('-').map(Number);
        for (let old = from!; old <= (to ?? from!); old++) assert.equal(prunedWhenIndex(old, policy), index, `archive ${old}`);
      }
    }
  });
}

test('after any run, the series holds I*K archives plus those of the current sequence', () => {
  const policy = { iterations: 5, keepSequences: 1 };
  for (const [index, , , kept] of simulate(policy, 27).filter(([i]) => i > 10)) {
    const [from, to] = kept.split('-').map(Number);
    const currentSequenceLength = ((index - 1) % 5) + 1;
    assert.equal(to! - from! + 1, 5 * 1 + currentSequenceLength, `after run ${index}`);
  }
});

test('a rotation policy with zero iterations or negative keepSequences is rejected', () => {
  assert.match(validateRotationPolicy({ iterations: 0, keepSequences: 1 }) ?? '', /iterations/);
  assert.match(validateRotationPolicy({ iterations: 5, keepSequences: -1 }) ?? '', /keepSequences/);
  assert.equal(validateRotationPolicy({ iterations: 15, keepSequences: 1 }), undefined);
});
