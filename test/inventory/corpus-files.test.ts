import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { formatDiagnostic } from '../../inventory/core/diagnostic.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { labTexts, PROJECT_ROOT, snapshotOf } from '../support/lab-inventory.js';

/** Each corpus file holds one mistake and says what it expects in `# expect: CODE LINE:COL`
 * lines. It is added to the (valid) lab inventory, and exactly those diagnostics must appear. */
const CORPUS = join(PROJECT_ROOT, 'test', 'inventory', 'corpus');

for (const name of readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  test(`corpus: ${name}`, () => {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const expected = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
    assert.ok(expected.length > 0, 'the corpus file states no expectation');
    const texts = labTexts();
    texts.set(`corpus/${name}`, text);
    const { diagnostics } = validateInventory(snapshotOf(texts));
    const actual = diagnostics.map((d) => `${d.code} ${d.subject?.start.line}:${d.subject?.start.col}`);
    assert.deepEqual(actual, expected, diagnostics.map(formatDiagnostic).join('\n'));
    assert.ok(diagnostics.every((d) => d.subject?.file === `corpus/${name}`));
  });
}
