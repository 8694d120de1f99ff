import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type Diagnostic, formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labWith, positionOfMarker, snapshotOf } from '../../support/lab-inventory.js';

// A backup policy's schedule is written verbatim into a root cron.d line on its host: a value
// that validates must never add a line or a command there.

const LAB_SCHEDULE = 'schedule: "30 2 * * *"';
const KEY = 'schedule: ';

/** Validates the lab with the policy's schedule written as `source` (YAML text after the key). */
function validateSchedule(source: string): { diagnostics: Diagnostic[]; value: { line: number; col: number } } {
  const texts = labWith('backups.yaml', LAB_SCHEDULE, `${KEY}${source}`);
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const key = positionOfMarker(texts.get('backups.yaml')!, `${KEY}${source}`);
  return { diagnostics, value: { line: key.line, col: key.col + KEY.length } };
}

function assertRefusedAtValue(source: string): void {
  const { diagnostics, value } = validateSchedule(source);
  const all = diagnostics.map(formatDiagnostic).join('\n');
  assert.equal(diagnostics.length, 1, `${JSON.stringify(source)}: one mistake, one diagnostic; got:\n${all}`);
  const [found] = diagnostics;
  assert.equal(found!.code, 'INV_SCHEMA_FORMAT', all);
  assert.equal(found!.severity, 'error');
  assert.equal(found!.subject?.file, 'backups.yaml');
  assert.deepEqual({ line: found!.subject?.start.line, col: found!.subject?.start.col }, value, `${JSON.stringify(source)}: ${all}`);
}

test('a schedule smuggling a second root cron line is refused at validate time, at the value', () => {
  assertRefusedAtValue('"#\\n@hourly root touch /tmp/x;"');
  assertRefusedAtValue('"30 2 * * *\\n* * * * * root touch /tmp/x"');
  assertRefusedAtValue('"30 2 * * * root touch /tmp/x"');
});

test('a schedule written as a block scalar with two lines is refused at the value', () => {
  assertRefusedAtValue('|\n  #\n  @hourly root touch /tmp/x;\n');
});

// Each character, escaped in a double-quoted scalar, in place of the space between two fields and
// at the end of the value.
const BAD_CHARACTERS: Array<[string, string]> = [
  ['line feed', '\\n'],
  ['carriage return', '\\r'],
  ['vertical tab', '\\v'],
  ['form feed', '\\f'],
  ['tab', '\\t'],
  ['next line U+0085', '\\N'],
  ['line separator U+2028', '\\L'],
  ['paragraph separator U+2029', '\\P'],
  ['NUL', '\\0'],
  ['escape', '\\e'],
  ['delete', '\\x7F'],
  ['no-break space U+00A0', '\\_'],
  ['en quad U+2000', '\\u2000'],
  ['ideographic space U+3000', '\\u3000'],
  ['zero width space U+200B', '\\u200B'],
  ['byte order mark U+FEFF', '\\uFEFF'],
];
for (const [name, escape] of BAD_CHARACTERS) {
  test(`a schedule with a ${name} is refused at the value`, () => {
    assertRefusedAtValue(`"30 2 * *${escape}*"`);
    assertRefusedAtValue(`"30 2 * * *${escape}"`);
    assertRefusedAtValue(`"${escape}30 2 * * *"`);
  });
}

test('raw (unescaped) tab and Unicode spaces are refused as well', () => {
  for (const raw of ['\t', '\u00a0', '\u0085', '\u2028', '\u2029', '\u3000']) assertRefusedAtValue(`"30 2 * *${raw}*"`);
});

test('other shapes cron or pytin would read differently are refused at the value', () => {
  for (const source of [
    '"@hourly"',
    '"@reboot"',
    '"30 2 * *"',
    '"0 30 2 * * *"',
    '"30  2 * * *"',
    '" 30 2 * * *"',
    '"30 2 * * * "',
    '"0 0 * * mon"',
    '"0 0 * jan *"',
    '"61 * * * *"',
    '"5-1 * * * *"',
    '"*/0 * * * *"',
    '"5/5 * * * *"',
    '"0 0 L * *"',
    '"0 0 ? * *"',
    '"0 0 * * 1#2"',
    '"30 2 * * *%"',
    '"# 30 2 * * *"',
    `"${'0,'.repeat(50)}0 * * * *"`,
  ]) {
    assertRefusedAtValue(source);
  }
});

test('ordinary schedules are accepted', () => {
  for (const source of ['"30 2 * * 6"', '0 3 * * *', '"*/15 * * * *"', '"0 9-17/4 * * 1-5"', '"0 0 1,15 * 0"', '"0 0 * * 7"', "'5 4 * * 0-7'"]) {
    const { diagnostics } = validateSchedule(source);
    assert.deepEqual(diagnostics.map(formatDiagnostic), [], source);
  }
});
