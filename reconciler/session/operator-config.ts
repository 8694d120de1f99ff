import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { SecretRef } from '../../inventory/model/specs.js';
import { parseYamlFile } from '../../inventory/parse/parse-yaml-file.js';
import { locateInDocument } from '../../inventory/parse/yaml-locate.js';
import { DEFAULT_ALLOWED_ENV, DEFAULT_MAX_SECRET_FILE_BYTES } from '../../inventory/secrets/secret-policy.js';
import { schemaErrorsToDiagnostics } from '../../inventory/validate/schema-diagnostics.js';
import { schemaRegistry } from '../../schemas/schema-registry.js';
import { DEFAULT_USAGE_RETENTION, type UsageRetention } from '../usage/maintain-usage.js';

/** The configuration file as written (schemas/operator-config.schema.json). */
interface OperatorConfigFile {
  stateDir?: string;
  store?: string;
  knownHosts?: string;
  secrets?: { dir?: string; env?: string[]; maxFileBytes?: number; destinations?: Array<{ secret: SecretRef; hosts: string[] }> };
  connections?: { trustedRef?: string };
  usage?: Partial<UsageRetention>;
}

/** The operator's configuration with every path absolute. What it decides, nothing in the
 * inventory can widen. Paths that depend on the inventory (the default state folder beside it)
 * are resolved when the session knows the inventory root. */
export interface OperatorConfig {
  /** The file it came from, or null: the built-in defaults. */
  source: string | null;
  stateDir: string | undefined;
  store: string | undefined;
  knownHosts: string | undefined;
  secrets: {
    dir: string | undefined;
    allowedEnv: readonly string[];
    maxFileBytes: number;
    destinations: ReadonlyArray<{ secret: SecretRef; hosts: readonly string[] }>;
  };
  trustedRef: string | undefined;
  /** How long traffic usage data is kept. */
  usage: UsageRetention;
}

/** Where the configuration is looked for when neither --config nor PYTIN_CONFIG names one. */
export const SYSTEM_CONFIG = '/etc/pytin/config.yaml';

export const DEFAULT_OPERATOR_CONFIG: OperatorConfig = {
  source: null,
  stateDir: undefined,
  store: undefined,
  knownHosts: undefined,
  secrets: { dir: undefined, allowedEnv: DEFAULT_ALLOWED_ENV, maxFileBytes: DEFAULT_MAX_SECRET_FILE_BYTES, destinations: [] },
  trustedRef: undefined,
  usage: DEFAULT_USAGE_RETENTION,
};

/** The file to read: --config, else $PYTIN_CONFIG, else /etc/pytin/config.yaml if it exists. */
export function operatorConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  if (env.PYTIN_CONFIG) return resolve(cwd, env.PYTIN_CONFIG);
  return existsSync(SYSTEM_CONFIG) ? SYSTEM_CONFIG : undefined;
}

const problem = (summary: string, detail?: string): Diagnostic => ({ severity: 'error', code: 'CONFIG_UNREADABLE', summary, ...(detail ? { detail } : {}) });

/** Reads and checks the operator configuration. Every mistake is a diagnostic with the file's
 * line and column; pytin then stops (a half-read configuration must never widen anything). */
export function loadOperatorConfig(path: string | undefined): OperatorConfig | Diagnostic[] {
  if (path === undefined) return DEFAULT_OPERATOR_CONFIG;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return [
      problem(
        `cannot read the pytin configuration ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        'Pass an existing file with --config FILE or PYTIN_CONFIG.',
      ),
    ];
  }
  if (bytes.length > 1024 * 1024) return [problem(`the pytin configuration ${path} is larger than 1 MiB`)];
  const parsed = parseYamlFile(path, bytes);
  const invalid = (diagnostics: Diagnostic[]) =>
    diagnostics.map((d) => ({
      ...d,
      code: d.code.split('_')[1] === 'YAML' ? 'CONFIG_UNREADABLE' : 'CONFIG_INVALID',
      summary: `pytin configuration: ${d.summary}`,
    }));
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return invalid(parsed.diagnostics);
  const document = parsed.documents[0];
  if (parsed.documents.length !== 1 || !document) return [problem(`the pytin configuration ${path} must hold exactly one YAML document`)];
  const value = document.value ?? {};
  const validate = schemaRegistry().operatorConfig;
  if (!validate(value)) {
    const locate = (p: readonly (string | number)[], target?: 'value' | 'key') => locateInDocument(document.document, parsed.lineCounter, path, p, target);
    return invalid(schemaErrorsToDiagnostics(validate.errors ?? [], value, locate));
  }
  const file = value as OperatorConfigFile;
  const base = dirname(path);
  const absolute = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : join(base, p));
  return {
    source: path,
    stateDir: absolute(file.stateDir),
    store: absolute(file.store),
    knownHosts: absolute(file.knownHosts),
    secrets: {
      dir: absolute(file.secrets?.dir),
      allowedEnv: file.secrets?.env ?? DEFAULT_ALLOWED_ENV,
      maxFileBytes: file.secrets?.maxFileBytes ?? DEFAULT_MAX_SECRET_FILE_BYTES,
      destinations: file.secrets?.destinations ?? [],
    },
    trustedRef: file.connections?.trustedRef,
    usage: { ...DEFAULT_USAGE_RETENTION, ...file.usage },
  };
}
