/** Diagnostic codes are permanent: a code is never reused for another meaning and never renamed.
 * Each area keeps its own catalogue (this one is the inventory's); `reconciler/diagnostic-catalogue.ts`
 * joins them and a test checks that no code is defined twice and every code used is catalogued. */
export type DiagnosticCode = string;

export const INVENTORY_CODES = {
  // Reading the inventory from git or disk
  INV_GIT_NOT_A_REPOSITORY: 'the --repo folder is not inside a git repository',
  INV_GIT_UNKNOWN_REF: 'the --ref revision does not exist',
  INV_GIT_FAILED: 'git could not list or read the inventory files',
  INV_PATH_NOT_FOUND: 'the inventory --path does not exist at the revision',
  INV_FILE_IGNORED: 'a file under the inventory root that pytin does not read (e.g. *.yml)',
  INV_EMPTY: 'no *.yaml file with any document was found under the inventory root',
  // Parsing
  INV_YAML_NOT_UTF8: 'a file is not valid UTF-8',
  INV_YAML_EMPTY_FILE: 'a *.yaml file holds no document',
  INV_YAML_SYNTAX: 'YAML syntax error',
  INV_YAML_DUPLICATE_KEY: 'a mapping has the same key twice',
  INV_YAML_NOT_A_MAPPING: 'a document is not a mapping (kind, name, ...)',
  INV_YAML_EMPTY_DOCUMENT: 'a document in a multi-document file is empty',
  INV_YAML_TOO_DEEP: 'a document nests deeper than the inventory ever needs',
  INV_YAML_ALIAS_LIMIT: 'aliases expand to more nodes than allowed (a "billion laughs" document)',
  INV_YAML_WARNING: 'the YAML parser warned about something',
  INV_YAML_FILE_TOO_LARGE: 'a file is larger than the inventory file limit',
  // Schema
  INV_SCHEMA_UNKNOWN_KIND: 'a document names a kind pytin does not know',
  INV_SCHEMA_MISSING_KIND: 'a document has no kind',
  INV_SCHEMA_REQUIRED: 'a required field is missing',
  INV_SCHEMA_UNKNOWN_FIELD: 'a field the schema does not define (a typo?)',
  INV_SCHEMA_TYPE: 'a value has the wrong type',
  INV_SCHEMA_FORMAT: 'a value does not have the expected form (IP, CIDR, MAC, bandwidth, size, name)',
  INV_SCHEMA_ENUM: 'a value is not one of the allowed ones',
  INV_SCHEMA_RANGE: 'a number or a list length is out of range',
  INV_SCHEMA_INVALID: 'a value does not match the schema',
  // Cross-object rules
  INV_RULE_DUPLICATE_NAME: 'two resources of the same kind have the same name',
  INV_RULE_UNKNOWN_REFERENCE: 'a reference names a resource that does not exist',
  INV_RULE_WRONG_ROLE: 'a reference names a server without the needed role',
  INV_RULE_RACK_UNIT_OUTSIDE: 'a device does not fit inside its rack',
  INV_RULE_RACK_UNIT_OVERLAP: 'two devices occupy the same rack unit',
  INV_RULE_IP_OUTSIDE_POOL: 'an address is in no pool of its holder\'s datacenter',
  INV_RULE_IP_NETWORK_ADDRESS: 'an address is the network address of its pool',
  INV_RULE_IP_BROADCAST_ADDRESS: 'an address is the broadcast address of its pool',
  INV_RULE_IP_GATEWAY: 'an address is the gateway of its pool',
  INV_RULE_IP_RESERVED: 'an address is in a reserved range of its pool',
  INV_RULE_IP_DUPLICATE: 'an address is held by two holders',
  INV_RULE_POOL_OVERLAP: 'two pools overlap',
  INV_RULE_POOL_GATEWAY_OUTSIDE: 'a pool\'s gateway is not inside the pool',
  INV_RULE_POOL_RANGE_INVALID: 'a pool range or reserved range is not inside the pool or is reversed',
  INV_RULE_MAC_DUPLICATE: 'a MAC address is used twice',
  INV_RULE_PORT_CABLED_TWICE: 'a switch port is cabled to more than one interface',
  INV_RULE_BANDWIDTH_OVER_SPEED: 'a bandwidth limit exceeds the interface or port speed',
  INV_RULE_HYPERVISOR_OVERCOMMIT: 'a hypervisor\'s VMs exceed its capacity times its overcommit ratio',
  INV_RULE_LITERAL_SECRET: 'a password, token or community is written literally instead of as a reference',
  INV_RULE_SINGLETON: 'a kind that may exist once is defined more than once',
  // Secrets (resolved when pytin needs them, never stored)
  INV_SECRET_ENV_MISSING: 'a {env: NAME} secret reference names an unset variable',
  INV_SECRET_FILE_UNREADABLE: 'a {file: PATH} secret reference names a file that cannot be read',
  // Allocation
  INV_ALLOC_POOL_EXHAUSTED: 'the pool has fewer free addresses than asked for',
  INV_ALLOC_UNKNOWN_HOLDER: 'the --to holder does not exist',
  INV_ALLOC_AMBIGUOUS_INTERFACE: 'the holder has several interfaces and --to names none',
  INV_ALLOC_UNKNOWN_POOL: 'the --pool does not exist',
  INV_ALLOC_WRONG_DATACENTER: 'the pool is not in the holder\'s datacenter',
  INV_ALLOC_INVALID_INVENTORY: 'the inventory has errors; allocation needs a valid inventory',
} as const satisfies Record<string, string>;
