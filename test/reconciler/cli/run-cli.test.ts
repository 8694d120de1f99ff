import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InternalError } from '../../../inventory/core/errors.js';
import type { Command } from '../../../reconciler/cli/command.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../support/capture-io.js';

const echo: Command = {
  name: 'echo words',
  summary: 'prints its argument',
  synopsis: 'WORD [--loud]',
  options: { loud: { type: 'boolean', description: 'upper case' } },
  positionals: { min: 1, max: 1, names: 'WORD' },
  async run(args, io) {
    const word = args.positionals[0] ?? '';
    io.stdout.write(`${args.values.loud ? word.toUpperCase() : word}\n`);
    return 0;
  },
};
const broken: Command = {
  name: 'broken',
  summary: 'throws a bug',
  synopsis: '',
  options: {},
  async run() {
    throw new InternalError('the invariant broke');
  },
};

test('a two-word command receives its options and positionals', async () => {
  const io = captureIO();
  assert.equal(await runCli([echo], ['echo', 'words', 'hi', '--loud'], io), 0);
  assert.equal(io.out(), 'HI\n');
});

test('an unknown command prints the usage and exits 1', async () => {
  const io = captureIO();
  assert.equal(await runCli([echo], ['frobnicate'], io), 1);
  assert.match(io.err(), /unknown command "frobnicate"/);
  assert.match(io.err(), /Usage: pytin COMMAND/);
});

test('an unknown flag prints the command usage and exits 1', async () => {
  const io = captureIO();
  assert.equal(await runCli([echo], ['echo', 'words', 'x', '--nope'], io), 1);
  assert.match(io.err(), /Unknown option '--nope'/);
  assert.match(io.err(), /Usage: pytin echo words WORD/);
});

test('a missing positional is a usage error', async () => {
  const io = captureIO();
  assert.equal(await runCli([echo], ['echo', 'words'], io), 1);
  assert.match(io.err(), /missing WORD/);
});

test('an internal error is one line without a stack unless --debug', async () => {
  const plain = captureIO();
  assert.equal(await runCli([broken], ['broken'], plain), 1);
  assert.match(plain.err(), /internal error \(a bug in pytin\): the invariant broke/);
  assert.doesNotMatch(plain.err(), /\n\s+at /);
  const debug = captureIO();
  assert.equal(await runCli([broken], ['broken', '--debug'], debug), 1);
  assert.match(debug.err(), /\n\s+at /);
});
