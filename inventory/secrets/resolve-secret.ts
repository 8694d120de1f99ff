import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

import type { Diagnostic } from '../core/diagnostic.js';
import type { SecretRef } from '../model/specs.js';
import { destinationAllowed } from './destination-match.js';
import { Secret } from './secret.js';
import { destinationsOf, envAllowed, type SecretPolicy } from './secret-policy.js';

export interface SecretUse {
  /** Which setting needs it, for messages (`the community of snmp-credentials/x (for switch/y)`). */
  what: string;
  /** The resource diagnostics are about. */
  address?: string;
  /** The host the secret will be sent to or used against, checked against the policy. */
  destination?: string;
}

function problem(code: string, use: SecretUse, summary: string, detail: string): Diagnostic {
  return { severity: 'error', code, summary, detail, ...(use.address ? { address: use.address } : {}) };
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** The real path of a `{file: PATH}` reference, if it lies in the secrets folder; a diagnostic
 * otherwise. Never reads anything outside the folder. */
export function secretFilePath(ref: { file: string }, policy: Pick<SecretPolicy, 'dir'>, use: SecretUse): string | Diagnostic {
  const outside = (path: string) =>
    problem(
      'INV_SECRET_FILE_OUTSIDE_SECRETS_DIR',
      use,
      `${use.what} reads the file ${ref.file}, which is not in the secrets folder ${policy.dir}`,
      'Secret files are read only from the secrets folder the operator configured (secrets.dir of the pytin configuration); a relative path is relative to it. ' +
        `This one resolves to ${path}.`,
    );
  const path = isAbsolute(ref.file) ? ref.file : join(policy.dir, ref.file);
  if (!inside(policy.dir, path)) return outside(path);
  let real: string;
  let realDir: string;
  try {
    // The system's realpath(3): one call, where the JavaScript realpathSync lstats every component
    // of the path (thousands of servers resolve their SSH key in one plan).
    realDir = realpathSync.native(policy.dir);
    real = realpathSync.native(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    return problem(
      'INV_SECRET_FILE_UNREADABLE',
      use,
      `${use.what} reads the file ${path}, which ${reason}`,
      `Secret files live outside git, in the secrets folder ${policy.dir}; create it on the machine that runs pytin.`,
    );
  }
  // A symbolic link inside the folder may not lead out of it.
  if (!inside(realDir, real)) return outside(real);
  return real;
}

/** Reads a secret file: a regular file, at most maxFileBytes, opened without following a link
 * planted between the check and the read. */
function readSecretFile(path: string, policy: Pick<SecretPolicy, 'maxFileBytes'>, use: SecretUse): Secret | Diagnostic {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return problem(
      'INV_SECRET_FILE_UNREADABLE',
      use,
      `${use.what} reads the file ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'Check its owner and mode.',
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      return problem(
        'INV_SECRET_FILE_NOT_REGULAR',
        use,
        `${use.what} reads ${path}, which is not a regular file`,
        'A secret is a small regular file: not a device, a FIFO, a socket or a folder.',
      );
    if (stat.size > policy.maxFileBytes) {
      return problem(
        'INV_SECRET_FILE_TOO_LARGE',
        use,
        `${use.what} reads ${path}, which has ${stat.size} bytes (more than ${policy.maxFileBytes})`,
        'A password, key or community is small; raise secrets.maxFileBytes in the pytin configuration if this one really is larger.',
      );
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    // A trailing newline is how editors and `echo` leave secret files; it is not part of the secret.
    return new Secret(
      buffer
        .subarray(0, read)
        .toString('utf8')
        .replace(/\r?\n$/, ''),
    );
  } finally {
    closeSync(fd);
  }
}

/** Resolves `{env: NAME}` or `{file: PATH}` under the operator's policy. A variable or file the
 * policy does not allow, a missing one, or a destination the secret may not go to is a diagnostic
 * naming the reference (never the value). */
/** The diagnostic refusing `ref` for `use.destination` when the policy lists the hosts the secret may
 * reach and that one is not among them; undefined when it may go there. */
export function destinationRefusal(ref: SecretRef, policy: Pick<SecretPolicy, 'destinations'>, use: SecretUse): Diagnostic | undefined {
  const destinations = destinationsOf(policy, ref);
  if (!destinations || use.destination === undefined || destinationAllowed(use.destination, destinations)) return undefined;
  return problem(
    'INV_SECRET_DESTINATION_REFUSED',
    use,
    `${use.what} may not be sent to ${use.destination}: the pytin configuration allows it only to ${destinations.join(', ')}`,
    'Nothing was sent. The hosts each secret may reach are operator configuration (secrets.destinations).',
  );
}

export function resolveSecret(ref: SecretRef, policy: SecretPolicy, use: SecretUse): Secret | Diagnostic {
  const refused = destinationRefusal(ref, policy, use);
  if (refused) return refused;
  if (ref.env !== undefined) {
    if (!envAllowed(policy, ref.env)) {
      return problem(
        'INV_SECRET_ENV_NOT_ALLOWED',
        use,
        `${use.what} reads the environment variable ${ref.env}, which the pytin configuration does not allow`,
        `Secrets come only from the variables the operator lists (secrets.env; now: ${policy.allowedEnv.join(', ') || 'none'}).`,
      );
    }
    const value = policy.env[ref.env];
    if (value === undefined || value === '') {
      return problem(
        'INV_SECRET_ENV_MISSING',
        use,
        `${use.what} reads the environment variable ${ref.env}, which is not set`,
        `Export ${ref.env} before running pytin (CI: add it to the job's secrets).`,
      );
    }
    return new Secret(value);
  }
  if (ref.file !== undefined) {
    const path = secretFilePath({ file: ref.file }, policy, use);
    return typeof path === 'string' ? readSecretFile(path, policy, use) : path;
  }
  return problem('INV_SECRET_FILE_UNREADABLE', use, `${use.what} has an empty secret reference`, 'Write {env: NAME} or {file: PATH}.');
}
