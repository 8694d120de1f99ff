import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SecretRef } from '../model/specs.js';
import { Secret } from './secret.js';

export interface SecretContext {
  env: NodeJS.ProcessEnv;
  /** Folder that relative `{file: PATH}` references are read from (the inventory root on disk). */
  baseDir: string;
}

/** Resolves `{env: NAME}` or `{file: PATH}`. A missing variable or unreadable file is a diagnostic
 * naming the reference (never the value); `what` says which setting needed it. */
export function resolveSecret(ref: SecretRef, context: SecretContext, what: string, address?: string): Secret | Diagnostic {
  const problem = (code: string, summary: string, detail: string): Diagnostic => ({ severity: 'error', code, summary, detail, ...(address ? { address } : {}) });
  if (ref.env !== undefined) {
    const value = context.env[ref.env];
    if (value === undefined || value === '') {
      return problem('INV_SECRET_ENV_MISSING', `${what} reads the environment variable ${ref.env}, which is not set`, `Export ${ref.env} before running pytin (CI: add it to the job's secrets).`);
    }
    return new Secret(value);
  }
  if (ref.file !== undefined) {
    const path = isAbsolute(ref.file) ? ref.file : join(context.baseDir, ref.file);
    try {
      // A trailing newline is how editors and `echo` leave secret files; it is not part of the secret.
      return new Secret(readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
      return problem('INV_SECRET_FILE_UNREADABLE', `${what} reads the file ${path}, which ${reason}`, 'Secret files live outside git; create it on the machine that runs pytin.');
    }
  }
  return problem('INV_SECRET_FILE_UNREADABLE', `${what} has an empty secret reference`, 'Write {env: NAME} or {file: PATH}.');
}
