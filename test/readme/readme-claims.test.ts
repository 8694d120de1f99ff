import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { PROJECT_ROOT } from '../support/lab-inventory.js';
import { README_CLAIMS } from './readme-claims.js';

/** The claims the README makes as table rows (header and separator rows excluded) and bullets,
 * outside fenced code blocks, as their lines. */
function readmeClaims(readme: string): string[] {
  const claims: string[] = [];
  let inCode = false;
  const lines = readme.split('\n');
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith('```')) inCode = !inCode;
    if (inCode) return;
    const text = line.trim();
    if (text.startsWith('|')) {
      const isSeparator = /^\|[-| :]+\|$/.test(text);
      const isHeader = (lines[i + 1] ?? '').trim().match(/^\|[-| :]+\|$/) !== null;
      if (!isSeparator && !isHeader) claims.push(text);
    } else if (text.startsWith('- ')) claims.push(text);
  });
  return claims;
}

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const claims = readmeClaims(readme);

test('the README claim extraction finds the command table, the trust table and the development bullets', () => {
  assert.ok(claims.length >= 25, `${claims.length} claims`);
  assert.ok(claims.some((c) => c.startsWith('| `pytin validate')));
  assert.ok(claims.some((c) => c.startsWith('- Layout')));
});

test('every README claim has an entry in test/readme/readme-claims.ts', () => {
  const unproved = claims.filter((claim) => !README_CLAIMS.some((entry) => claim.includes(entry.quote)));
  assert.deepEqual(unproved, [], 'add an entry { quote, proofs: [test files] } (or gap: why) for each new README claim');
});

test('each entry quotes exactly one README claim and names existing tests (or says why none)', () => {
  for (const entry of README_CLAIMS) {
    const matching = claims.filter((claim) => claim.includes(entry.quote));
    assert.equal(matching.length, 1, `"${entry.quote}" matches ${matching.length} README claims`);
    assert.ok((entry.proofs?.length ?? 0) > 0 !== (entry.gap !== undefined), `"${entry.quote}": proofs or a gap, not both or neither`);
    for (const proof of entry.proofs ?? []) {
      assert.match(proof, /^test\/.+\.test\.ts$/, proof);
      assert.ok(existsSync(join(PROJECT_ROOT, proof)), `${proof} (proof of "${entry.quote}") does not exist`);
    }
  }
});
