import type { SqliteDatabase } from './file/sqlite.js';
import { StoreRefusedError } from './file/store-error.js';

/** Versioned schema steps. Invariant: a step, once released, is never edited — add a new one.
 * Times are milliseconds since the epoch (INTEGER); 64-bit counters are decimal TEXT. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'observation runs, current facts, ip history, counter samples',
    sql: `
CREATE TABLE observation_runs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('snmp', 'host')),
  subject TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  error TEXT
);
CREATE INDEX observation_runs_subject ON observation_runs (source, subject, started_at);

-- The last good facts of one device or host, one JSON document per fact kind.
CREATE TABLE current_facts (
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('device', 'host')),
  subject TEXT NOT NULL,
  fact_kind TEXT NOT NULL,
  json TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES observation_runs (id),
  PRIMARY KEY (subject_kind, subject, fact_kind)
);

-- Normalised copies of what queries need (where is this MAC; which port is this).
CREATE TABLE device_interfaces (
  device TEXT NOT NULL,
  if_index INTEGER NOT NULL,
  if_name TEXT,
  if_descr TEXT,
  if_alias TEXT,
  if_type INTEGER,
  speed_mbps INTEGER,
  oper_status TEXT,
  mac TEXT,
  run_id INTEGER NOT NULL REFERENCES observation_runs (id),
  PRIMARY KEY (device, if_index)
);
CREATE TABLE device_arp (
  device TEXT NOT NULL,
  if_index INTEGER,
  ip TEXT NOT NULL,
  mac TEXT NOT NULL,
  run_id INTEGER NOT NULL REFERENCES observation_runs (id)
);
CREATE INDEX device_arp_ip ON device_arp (ip);
CREATE INDEX device_arp_device ON device_arp (device);
CREATE TABLE device_fdb (
  device TEXT NOT NULL,
  mac TEXT NOT NULL,
  vlan INTEGER,
  if_index INTEGER,
  run_id INTEGER NOT NULL REFERENCES observation_runs (id)
);
CREATE INDEX device_fdb_mac ON device_fdb (mac);
CREATE INDEX device_fdb_device ON device_fdb (device);
CREATE TABLE host_domains (
  host TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT,
  state TEXT,
  vcpu INTEGER,
  memory_kib INTEGER,
  run_id INTEGER NOT NULL REFERENCES observation_runs (id),
  PRIMARY KEY (host, name)
);

-- Every (ip, device) binding ever seen. A new MAC, port or VLAN for an ip on a device is a new
-- row; the same binding seen again only moves last_seen.
CREATE TABLE ip_history (
  id INTEGER PRIMARY KEY,
  ip TEXT NOT NULL,
  mac TEXT NOT NULL,
  device TEXT NOT NULL,
  port TEXT,
  vlan INTEGER,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE INDEX ip_history_ip ON ip_history (ip, device, id);

CREATE TABLE counter_samples (
  device TEXT NOT NULL,
  if_index INTEGER NOT NULL,
  sampled_at INTEGER NOT NULL,
  sys_uptime_cs INTEGER NOT NULL,
  counter_bits INTEGER NOT NULL CHECK (counter_bits IN (32, 64)),
  in_octets TEXT,
  out_octets TEXT,
  PRIMARY KEY (device, if_index, sampled_at)
);
`,
  },
  {
    version: 2,
    name: 'drop device_arp',
    // Nothing read it: the current ARP rows are in current_facts and every sighting is in
    // ip_history. Writing a third copy was a third of the cost of storing a large ARP table.
    sql: `
DROP INDEX device_arp_ip;
DROP INDEX device_arp_device;
DROP TABLE device_arp;
`,
  },
  {
    version: 3,
    name: 'apply lock, apply runs, change outcomes, applied desired states',
    sql: `
-- At most one row: who holds the apply lock (id is always 1).
CREATE TABLE apply_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  commit_id TEXT,
  since INTEGER NOT NULL
);
CREATE TABLE apply_runs (
  id INTEGER PRIMARY KEY,
  commit_id TEXT,
  plan_hash TEXT NOT NULL,
  holder TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed'))
);
CREATE TABLE change_outcomes (
  run_id INTEGER NOT NULL REFERENCES apply_runs (id),
  seq INTEGER NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  driver TEXT NOT NULL,
  host TEXT,
  status TEXT NOT NULL CHECK (status IN ('applied', 'failed', 'skipped')),
  output TEXT NOT NULL,
  error TEXT,
  state_json TEXT,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX change_outcomes_address ON change_outcomes (address);
-- The desired state of every applied commit, as the API serves it.
CREATE TABLE applied_states (
  commit_id TEXT PRIMARY KEY,
  desired_json TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES apply_runs (id)
);
`,
  },
  {
    version: 4,
    name: 'facts owned by drivers; apply outcomes as diagnostics',
    // Domains are the KVM driver's facts, kept in current_facts like every driver's: the store no
    // longer knows their shape. Each change outcome keeps its diagnostics as JSON (the error
    // column keeps the first line for older readers).
    sql: `
DROP TABLE host_domains;
ALTER TABLE change_outcomes ADD COLUMN diagnostics_json TEXT;
`,
  },
  {
    version: 5,
    name: 'API tokens; the plan each apply run applied',
    // Tokens are stored as the sha256 of a 256-bit random secret (a slow hash buys nothing against
    // a secret that cannot be guessed); the secret is shown once and never kept. A name is unique
    // among tokens not revoked, so a revoked name can be issued again. The plan each run applied is
    // kept as its JSON-lines messages (what `pytin plan --json` prints) for /v1/plan/latest.
    sql: `
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
ALTER TABLE apply_runs ADD COLUMN plan_messages_json TEXT;
-- Every API request asks for the last applied commit: without this index SQLite walks each row's
-- desired_json overflow pages to reach applied_at, which lies behind it.
CREATE INDEX applied_states_latest ON applied_states (applied_at, run_id);
`,
  },
  {
    version: 6,
    name: 'traffic usage: 5-minute buckets and hourly roll-ups per interface and UTC day',
    // One row per interface and UTC day, its buckets packed in a BLOB (reconciler/store/usage/
    // usage-days.ts): a year of 5-minute figures of thousands of ports as one row per bucket
    // would be hundreds of millions of rows. `through` is how far each series is bucketed: later
    // buckets are still computed from the raw counter samples. usage_days is a rowid table on
    // purpose: WITHOUT ROWID keeps only ~1 KB of a row in its page and would spill every 3 KB
    // day to an overflow page.
    sql: `
CREATE TABLE usage_days (
  device TEXT NOT NULL,
  if_index INTEGER NOT NULL,
  day INTEGER NOT NULL,
  resolution_s INTEGER NOT NULL CHECK (resolution_s IN (300, 3600)),
  data BLOB NOT NULL,
  PRIMARY KEY (device, if_index, day)
);
CREATE TABLE usage_watermarks (
  device TEXT NOT NULL,
  if_index INTEGER NOT NULL,
  through INTEGER NOT NULL,
  PRIMARY KEY (device, if_index)
) WITHOUT ROWID;
`,
  },
  {
    version: 7,
    name: 'objects pytin created in Zabbix that carry no tag (dashboards)',
    // Zabbix dashboards have neither tags nor a uuid in the API: pytin owns one only when its id
    // is recorded here at creation, under the deterministic uuid of its inventory key.
    sql: `
CREATE TABLE zabbix_owned (
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  zabbix_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (service, kind, uuid)
) WITHOUT ROWID;
`,
  },
  {
    version: 8,
    name: 'fingerprints of the secret values pytin published to Zabbix as user macros',
    // Zabbix never returns a secret macro's value, so pytin compares what it would send with what
    // it sent by a keyed fingerprint (HMAC-SHA256). The key is random per store and never leaves
    // it: a fingerprint read from a copied plan or facts cannot be tested against guessed values
    // without the store. The values themselves are never stored.
    sql: `
CREATE TABLE secret_fingerprint_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_hex TEXT NOT NULL
);
CREATE TABLE zabbix_macro_fingerprints (
  service TEXT NOT NULL,
  host_key TEXT NOT NULL,
  macro TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (service, host_key, macro)
) WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: "the bindings of each device's latest walk, to record the next walk without a lookup per address",
    // One row per device: its newest walk's time, its sightings as the JSON text the history
    // statements were given ([ip, mac, port, vlan] each) and the ip_history id of each, in the same
    // order. A walk equal to it moves those rows by id in one statement; one that differs is judged
    // against it in JS; only addresses it lacks are looked up
    // (reconciler/store/facts/ip-history-latest-walk.ts). A rowid table: the JSON of a large ARP
    // table spans overflow pages.
    sql: `
CREATE TABLE ip_history_latest_walk (
  device TEXT PRIMARY KEY,
  walked_at INTEGER NOT NULL,
  sightings_json TEXT NOT NULL,
  ids_json TEXT NOT NULL
);
`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

async function currentVersion(db: Pick<SqliteDatabase, 'get'>): Promise<number> {
  const row = await db.get<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return row?.version ?? 0;
}

/** Brings the schema to LATEST_SCHEMA_VERSION. Idempotent; safe against a second process
 * migrating at the same time (the version is re-read under the write lock); refuses a store
 * from a newer pytin rather than guessing at its schema. */
export async function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const found = await currentVersion(db);
  if (found > latest) {
    throw new StoreRefusedError(
      'STORE_SCHEMA_TOO_NEW',
      `${db.path} has schema version ${found}; this pytin knows versions up to ${latest}. Upgrade pytin, or use another --store`,
    );
  }
  for (const step of migrations) {
    if (step.version <= found) continue;
    try {
      await db.transaction(async (tx) => {
        if ((await currentVersion(tx)) >= step.version) return;
        await tx.exec(step.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [step.version, step.name, Date.now()]);
      });
    } catch (error) {
      throw new StoreRefusedError('STORE_MIGRATION_FAILED', `${db.path}: migration ${step.version} (${step.name}) failed: ${String(error)}`, {
        cause: error,
      });
    }
  }
  return currentVersion(db);
}
