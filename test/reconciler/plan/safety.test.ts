import assert from 'node:assert/strict';
import { test } from 'node:test';

import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import type { Change } from '../../../reconciler/plan/change.js';
import { safetyDiagnostics } from '../../../reconciler/plan/safety.js';
import { labTexts, snapshotOf } from '../../support/lab-inventory.js';

const { state } = validateInventory(snapshotOf(labTexts()));
const policy = { allowDestroy: [] as string[], massDestroyPercent: 10, allowMassDestroy: false };
const del = (name: string, isProtected = false): Change => ({
  address: `vm/${name}`,
  action: 'delete',
  driver: 'kvm',
  host: 'hv-01',
  before: { protected: isProtected },
  after: null,
});

test('deleting or replacing a protected resource is refused unless allowed by address', () => {
  const replace: Change = {
    address: 'vm/acme-db-01',
    action: 'replace',
    driver: 'kvm',
    host: 'hv-01',
    before: { protected: true },
    after: { protected: true },
  };
  assert.deepEqual(
    safetyDiagnostics([replace], state, policy).map((d) => d.code),
    ['PLAN_PROTECTED_DESTROY'],
  );
  assert.deepEqual(safetyDiagnostics([replace], state, { ...policy, allowDestroy: ['vm/acme-db-01'] }), []);
  const update: Change = { ...replace, action: 'update' };
  assert.deepEqual(safetyDiagnostics([update], state, policy), []);
});

test('one deletion is an edit; deleting more than 10% of a kind is refused without --allow-mass-destroy', () => {
  assert.deepEqual(safetyDiagnostics([del('gone-1')], state, policy), []);
  const two = [del('gone-1'), del('gone-2')];
  const refused = safetyDiagnostics(two, state, policy);
  assert.deepEqual(
    refused.map((d) => d.code),
    ['PLAN_MASS_DESTROY'],
  );
  assert.match(refused[0]!.summary, /deletes 2 of 8 vm resources \(25%/);
  assert.deepEqual(safetyDiagnostics(two, state, { ...policy, allowMassDestroy: true }), []);
  assert.deepEqual(safetyDiagnostics(two, state, { ...policy, massDestroyPercent: 30 }), []);
});
