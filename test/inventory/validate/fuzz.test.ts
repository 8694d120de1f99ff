import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pick, seededRandom as prng } from '../../../examples/generator/prng.js';
import { INVENTORY_CODES } from '../../../inventory/core/diagnostic-codes.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { labTexts, snapshotOf } from '../../support/lab-inventory.js';

type Mutation = (text: string, random: () => number) => string | Uint8Array;
const lines = (text: string) => text.split('\n');

const MUTATIONS: Record<string, Mutation> = {
  'delete a line': (text, r) => {
    const l = lines(text);
    l.splice(Math.floor(r() * l.length), 1);
    return l.join('\n');
  },
  'delete a key and its value': (text, r) => {
    const l = lines(text);
    const i = Math.floor(r() * l.length);
    return l.filter((_, j) => j !== i && !(j > i && /^\s{4,}/.test(l[j]!))).join('\n');
  },
  'swap two values': (text, r) => {
    const l = lines(text);
    const withValues = l.map((x, i) => [x, i] as const).filter(([x]) => /:\s+\S/.test(x));
    if (withValues.length < 2) return text;
    const [a, ia] = pick(withValues, r);
    const [b, ib] = pick(withValues, r);
    l[ia] = a.replace(/:\s+(.*)$/, `: ${b.split(/:\s+/).slice(1).join(': ')}`);
    l[ib] = b.replace(/:\s+(.*)$/, `: ${a.split(/:\s+/).slice(1).join(': ')}`);
    return l.join('\n');
  },
  'wrong type': (text, r) => {
    const l = lines(text);
    const i = Math.floor(r() * l.length);
    l[i] = l[i]!.replace(/:\s+(.*)$/, `: ${pick(['[1, 2]', '{a: 1}', 'true', '42', 'null', '"text"', '-1', '3.5'], r)}`);
    return l.join('\n');
  },
  truncate: (text, r) => text.slice(0, Math.floor(r() * text.length)),
  'invalid UTF-8': (text, r) => {
    const b = Buffer.from(text);
    const at = Math.floor(r() * b.length);
    return Buffer.concat([b.subarray(0, at), Buffer.from([pick([0xff, 0xc3, 0xe9, 0x80], r)]), b.subarray(at)]);
  },
  'duplicate a key': (text, r) => {
    const l = lines(text);
    const i = Math.floor(r() * l.length);
    l.splice(i, 0, l[i]!);
    return l.join('\n');
  },
  'huge number': (text, r) => {
    const l = lines(text);
    const i = Math.floor(r() * l.length);
    l[i] = l[i]!.replace(/:\s+(.*)$/, `: ${pick(['1e309', '99999999999999999999999', '-0', '0x7fffffffffffffff', '.inf', '.nan'], r)}`);
    return l.join('\n');
  },
  'deep nesting': (text, r) => {
    const depth = 10 + Math.floor(r() * 5000);
    return text.replace(/:\s+(\S.*)$/m, `: ${'['.repeat(depth)}${']'.repeat(depth)}`);
  },
  'random bytes': (_text, r) => Uint8Array.from({ length: Math.floor(r() * 400) }, () => Math.floor(r() * 256)),
  'tabs and indentation': (text, r) => {
    const l = lines(text);
    const i = Math.floor(r() * l.length);
    l[i] = pick(['\t', '   ', ''], r) + l[i]!.trimStart();
    return l.join('\n');
  },
  'stray document marker': (text, r) => {
    const l = lines(text);
    l.splice(Math.floor(r() * l.length), 0, pick(['---', '...', '--- !!str', '%YAML 1.1'], r));
    return l.join('\n');
  },
  // Issue 10: rack units (reservations, faces, half-depth) and the addresses devices hold.
  'move a racked device': (text, r) => text.replace(/position: \d+/, `position: ${1 + Math.floor(r() * 45)}`),
  'take another address': (text, r) => {
    const ips = [...text.matchAll(/\b(?:198\.51\.100|203\.0\.113)\.\d+\b/g)];
    if (ips.length === 0) return text;
    const target = pick(ips, r);
    const replacement = pick(['198.51.100.2', '198.51.100.1', '198.51.100.250', '203.0.113.30', '203.0.113.50', '203.0.113.1'], r);
    return text.slice(0, target.index) + replacement + text.slice(target.index + target[0].length);
  },
  // Issue 10's VRFs: an address or pool moved to another routing table, or its vrf dropped.
  'switch a VRF': (text, r) => {
    const vrfs = [...text.matchAll(/(?:, )?vrf: [a-z-]+/g)];
    if (vrfs.length === 0) return text;
    const target = pick(vrfs, r);
    const replacement = pick(['', ', vrf: acme-private', ', vrf: globex-private', ', vrf: nowhere'], r);
    const fitted = target[0].startsWith(', ') ? replacement : replacement.replace(/^, /, '');
    return text.slice(0, target.index) + fitted + text.slice(target.index + target[0].length);
  },
  'anchors and aliases': (text, r) => text.replace(/:\s+(\S.*)$/m, pick([': *missing', ': &a [*a]', ': !!binary notbase64', ': !custom x'], r)),
};

test('1,000 deterministic mutations of the lab never throw and always explain themselves', () => {
  const random = prng(20261127);
  const base = labTexts();
  const files = [...base.keys()].filter((f) => f.endsWith('.yaml'));
  const names = Object.keys(MUTATIONS);
  const seenCodes = new Set<string>();
  let invalid = 0;
  for (let i = 0; i < 1000; i++) {
    const texts = new Map<string, string | Uint8Array>(base);
    const mutations = 1 + Math.floor(random() * 3);
    const applied: string[] = [];
    for (let m = 0; m < mutations; m++) {
      const file = pick(files, random);
      const name = pick(names, random);
      const current = texts.get(file)!;
      texts.set(file, MUTATIONS[name]!(typeof current === 'string' ? current : Buffer.from(current).toString('latin1'), random));
      applied.push(`${name} in ${file}`);
    }
    let result;
    try {
      result = validateInventory(snapshotOf(texts));
    } catch (error) {
      assert.fail(`mutation #${i} (${applied.join(', ')}) threw: ${(error as Error).stack}`);
    }
    for (const d of result.diagnostics) {
      seenCodes.add(d.code);
      assert.ok(d.code in INVENTORY_CODES, `mutation #${i}: uncatalogued code ${d.code}`);
      assert.ok(d.summary.length > 0);
      if (d.subject) assert.ok(d.subject.start.line >= 1 && d.subject.start.col >= 1, `mutation #${i}: bad position ${JSON.stringify(d.subject)}`);
    }
    if (result.diagnostics.some((d) => d.severity === 'error')) invalid++;
  }
  // The mutations must actually break things, or this test proves nothing.
  assert.ok(invalid > 600, `only ${invalid} of 1000 mutations were found invalid`);
  assert.ok(seenCodes.size >= 15, `only ${seenCodes.size} distinct codes: ${[...seenCodes].join(', ')}`);
  for (const code of [
    'INV_RULE_RACK_UNIT_OVERLAP',
    'INV_RULE_RACK_UNIT_RESERVED',
    'INV_RULE_IP_IN_ROUTED_SUBNET',
    'INV_RULE_IP_DUPLICATE',
    'INV_RULE_IP_VRF_AMBIGUOUS',
    'INV_RULE_POOL_OVERLAP',
    'INV_RULES_SKIPPED',
  ])
    assert.ok(seenCodes.has(code), `the mutations never reached ${code}`);
});
