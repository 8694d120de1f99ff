import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import type * as AjvModule from 'ajv';
import type { Ajv, ValidateFunction } from 'ajv';

import { parseCalendarDate } from './formats/calendar-date.js';
import { isCronSchedule } from './formats/cron.js';
import { isInterfaceName, isStoragePoolName } from './formats/device-names.js';
import { parseCidr, parseIp, parseIpRange } from './formats/ip.js';
import { isLibvirtUri } from './formats/libvirt-uri.js';
import { normaliseMac } from './formats/mac.js';
import { isHostName, isResourceName } from './formats/names.js';
import { isBackupTarget, isHostPath, isInventoryPath, isProgram } from './formats/paths.js';
import { parseBandwidth, parseSize } from './formats/units.js';
import { isHttpUrl, isInstallTree } from './formats/urls.js';
import { type Kind, KIND_NAMES, KINDS, OPERATOR_CONFIG_SCHEMA, SCHEMA_FILES } from './kinds.js';

/** The schema JSON files live beside the sources (schemas/), not in the build output. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function readSchemaFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as Record<string, unknown>;
}

export interface SchemaRegistry {
  readonly validators: Readonly<Record<Kind, ValidateFunction>>;
  /** The operator configuration's schema (same Ajv, same formats). */
  readonly operatorConfig: ValidateFunction;
}

/** Keyword marking a secret reference: a plain string there is a literal secret, reported with its
 * own message rather than as a type mismatch. */
const SECRET_KEYWORD = 'pytinSecret';

/** Ajv is loaded when the schemas are first compiled, not when this module is: a run that finds
 * every inventory file in the cache (issue 14) checks no document and never needs it. */
function loadAjv(): typeof AjvModule.Ajv {
  return (createRequire(import.meta.url)('ajv') as typeof AjvModule).Ajv;
}

function createAjv(): Ajv {
  const Ajv = loadAjv();
  // One instance, strict, all errors at once; defaults (iterations 15, keepSequences 1, ...) are filled in.
  // strictRequired is off: `oneOf: [{required: [source]}, {required: [perUserHome]}]` names properties
  // defined by the parent schema, the idiomatic way to say "exactly one of".
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, useDefaults: true, allowUnionTypes: true, verbose: true });
  ajv.addFormat('pytin-name', isResourceName);
  // Values that reach a shell, a cron line, a URI, an option string or a file name (issue 8):
  // drivers check the same predicates again where they use them.
  ajv.addFormat('pytin-libvirt-uri', isLibvirtUri);
  ajv.addFormat('pytin-host-path', isHostPath);
  ajv.addFormat('pytin-backup-target', isBackupTarget);
  ajv.addFormat('pytin-inventory-path', isInventoryPath);
  ajv.addFormat('pytin-program', isProgram);
  ajv.addFormat('pytin-interface-name', isInterfaceName);
  ajv.addFormat('pytin-storage-pool', isStoragePoolName);
  ajv.addFormat('pytin-install-tree', isInstallTree);
  ajv.addFormat('pytin-http-url', isHttpUrl);
  ajv.addFormat('pytin-ipv4', (s: string) => parseIp(s)?.version === 4);
  ajv.addFormat('pytin-ipv6', (s: string) => parseIp(s)?.version === 6);
  ajv.addFormat('pytin-ip', (s: string) => parseIp(s) !== undefined);
  ajv.addFormat('pytin-cidr', (s: string) => parseCidr(s) !== undefined);
  ajv.addFormat('pytin-ip-range', (s: string) => parseIpRange(s) !== undefined);
  ajv.addFormat('pytin-mac', (s: string) => normaliseMac(s) !== undefined);
  ajv.addFormat('pytin-bandwidth', (s: string) => parseBandwidth(s) !== undefined);
  ajv.addFormat('pytin-size', (s: string) => parseSize(s) !== undefined);
  ajv.addFormat('pytin-host', isHostName);
  ajv.addFormat('pytin-cron', isCronSchedule);
  ajv.addFormat('pytin-date', (s: string) => parseCalendarDate(s) !== undefined);
  ajv.addKeyword({
    keyword: SECRET_KEYWORD,
    schemaType: 'boolean',
    errors: true,
    validate: function isNotLiteral(this: unknown, _schema: boolean, data: unknown): boolean {
      return typeof data !== 'string';
    },
  });
  for (const file of SCHEMA_FILES) ajv.addSchema(readSchemaFile(file), file);
  return ajv;
}

let registry: SchemaRegistry | undefined;

/** The registry, each schema compiled on its first use and then kept for the process: compiling
 * them all took about a third of a second, which a warm validate (issue 14) that checks one file
 * of VMs pays only for the VM schema. */
export function schemaRegistry(): SchemaRegistry {
  if (!registry) {
    const ajv = createAjv();
    const compiled = new Map<string, ValidateFunction>();
    const compile = (file: string): ValidateFunction => {
      let validate = compiled.get(file);
      if (!validate) {
        validate = ajv.getSchema(file);
        if (!validate) throw new Error(`schema ${file} did not compile`);
        compiled.set(file, validate);
      }
      return validate;
    };
    const validators = {} as Record<Kind, ValidateFunction>;
    for (const kind of KIND_NAMES) Object.defineProperty(validators, kind, { enumerable: true, get: () => compile(KINDS[kind].schemaFile) });
    registry = {
      validators,
      get operatorConfig() {
        return compile(OPERATOR_CONFIG_SCHEMA);
      },
    };
  }
  return registry;
}

export { SECRET_KEYWORD };
