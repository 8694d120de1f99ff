import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { parse } from 'yaml';

import { COMMANDS } from '../../reconciler/cli/commands.js';
import { PROJECT_ROOT } from '../support/lab-inventory.js';

// The CI examples are read by people who copy them: every pytin command they run must exist with
// the options they give, and the threat model's points must hold in them.

const EXAMPLES = ['github-actions.yml', 'gitlab-ci.yml'].map((f) => ({ file: f, text: readFileSync(join(PROJECT_ROOT, 'examples', 'ci', f), 'utf8') }));

function pytinCommands(text: string): string[][] {
  return [...text.matchAll(/npx pytin ([^\n>|]+)/g)].map((m) => m[1]!.trim().split(/\s+/));
}

for (const { file, text } of EXAMPLES) {
  test(`${file} is YAML and every pytin command in it exists with the options it gives`, () => {
    assert.ok(parse(text), 'parses');
    const commands = pytinCommands(text);
    assert.ok(commands.length >= 4, 'it runs validate, plan and apply');
    for (const words of commands) {
      const two = COMMANDS.find((c) => c.name === `${words[0]} ${words[1]}`);
      const command = two ?? COMMANDS.find((c) => c.name === words[0]);
      assert.ok(command, `pytin ${words.join(' ')}: no such command`);
      for (const word of words.filter((w) => w.startsWith('--'))) {
        assert.ok(word.slice(2) in command.options, `pytin ${command.name} has no ${word}`);
      }
    }
  });

  test(`${file} plans the branch by reading its commit (--ref), with connection settings from main, and applies only on main`, () => {
    const plans = pytinCommands(text).filter((w) => w[0] === 'plan' && w.includes('--format'));
    assert.ok(plans.length > 0 && plans.every((w) => w.includes('--ref')), 'the pull-request plan reads the branch with --ref');
    assert.match(text, /trustedRef: origin\/main/);
    assert.doesNotMatch(text, /--trust-new-hosts/, 'CI never trusts new host keys by itself');
    assert.match(text, /apply --path inventory [^\n]*\.plan/, 'apply applies a saved plan');
  });
}
