import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../support/capture-io.js';
import { makeRepo } from '../../support/git-repo.js';
import { labWith, positionOfMarker } from '../../support/lab-inventory.js';

test('a YAML tag the parser does not know is an INV_YAML_WARNING at the tag; the value is read as plain text', async (t) => {
  // Someone copies a document from a tool that tags its values.
  const texts = labWith('vms/acme.yaml', 'tenant: acme', 'tenant: !customer acme');
  const at = positionOfMarker(texts.get('vms/acme.yaml')!, '!customer');
  const repo = await makeRepo(texts);
  t.after(repo.remove);

  const io = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['validate'], io), 0, 'a warning does not fail validation');
  const said = io.out() + io.err();
  assert.match(said, new RegExp(`vms/acme\\.yaml:${at.line}:${at.col}: warning INV_YAML_WARNING: Unresolved tag: !customer .*\\(TAG_RESOLVE_FAILED\\)`));

  const result = validateInventory(await readInventory({ repo: repo.path }));
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ['INV_YAML_WARNING'],
  );
  assert.equal((result.state.resources.get('vm/acme-web-01')?.spec as { tenant?: string } | undefined)?.tenant, 'acme');
});
