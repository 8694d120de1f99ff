/** Permanent codes of the operator configuration and the trust boundary (see
 * inventory/core/diagnostic-codes.ts). */
export const SESSION_CODES = {
  CONFIG_UNREADABLE: 'the pytin configuration file cannot be read or is not YAML',
  CONFIG_INVALID: 'the pytin configuration does not match its schema (schemas/operator-config.schema.json)',
  TRUST_STATE_IN_GIT: "pytin's state (store, known_hosts, secrets) lies in files git tracks: a branch could plant them",
  TRUST_REF_UNKNOWN: 'the trusted ref of the configuration (connections.trustedRef) does not exist',
  TRUST_REF_INVALID: 'the inventory at the trusted ref has errors: its connection settings cannot be used',
  TRUST_CONNECTIONS_DIFFER: 'the revision planned changes connection settings; the trusted ones are used until it is merged',
} as const satisfies Record<string, string>;
