import { execFile } from 'node:child_process';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Daemon, freeTcpPort, makeTempDir, startDaemon, waitFor } from './daemon.js';

const run = promisify(execFile);

/** The frontend reads its configuration from this fixed path (CConfigFile::CONFIG_FILE_PATH). */
const FRONTEND_CONFIG = '/etc/zabbix/zabbix.conf.php';
/** Where the loaded-schema cluster is cached between test files (the schema takes ~23 s to load). */
const CACHE_ROOT = '/var/tmp/pytin-zabbix-cache';
const TEMPLATE_DB = 'zabbix_tpl';
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A real Zabbix 6.0 frontend API on 127.0.0.1 over its own PostgreSQL cluster (a copy of a cached
 * one with the schema loaded). One per test file: the API serves one request at a time. */
export interface LabZabbix {
  /** `http://127.0.0.1:PORT/api_jsonrpc.php` */
  url: string;
  /** The database the frontend uses (fresh from the template). */
  database: string;
  /** psql against the lab's database: for assertions and for setting up what the API cannot. */
  sql(statement: string): Promise<string>;
  /** Stops the frontend (its PID) and leaves PostgreSQL running: "Zabbix down" for a test. */
  stopFrontend(): Promise<void>;
  /** Starts the frontend again on the same port. */
  startFrontend(): Promise<void>;
  stop(): Promise<void>;
}

/** The frontend configuration. It is one fixed file for every lab Zabbix on this machine, so it
 * takes the database from the environment of the `php -S` that serves the frontend: each lab
 * instance passes its own port and database, and two test files never fight over the file. */
const FRONTEND_CONFIG_TEXT = `<?php
// Written by pytin's test lab (test/lab/zabbix.ts): each php -S passes its database in its environment.
$DB['TYPE'] = 'POSTGRESQL';
$DB['SERVER'] = '127.0.0.1';
$DB['PORT'] = getenv('PYTIN_ZABBIX_DB_PORT') ?: '5432';
$DB['DATABASE'] = getenv('PYTIN_ZABBIX_DB_NAME') ?: 'zabbix';
$DB['USER'] = 'postgres';
$DB['PASSWORD'] = '';
$DB['SCHEMA'] = '';
$DB['ENCRYPTION'] = false;
$DB['KEY_FILE'] = '';
$DB['CERT_FILE'] = '';
$DB['CA_FILE'] = '';
$DB['VERIFY_HOST'] = false;
$DB['CIPHER_LIST'] = '';
$DB['VAULT_URL'] = '';
$DB['VAULT_DB_PATH'] = '';
$DB['VAULT_TOKEN'] = '';
$DB['DOUBLE_IEEE754'] = true;
$ZBX_SERVER_NAME = 'pytin-lab';
$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
`;

/** Writes the shared frontend configuration when it is not already ours, atomically (a temp file
 * renamed over it): another test file's frontend may be reading it at this very moment. */
async function installFrontendConfig(): Promise<void> {
  const current = await readFile(FRONTEND_CONFIG, 'utf8').catch(() => '');
  if (current === FRONTEND_CONFIG_TEXT) return;
  const temp = `${FRONTEND_CONFIG}.pytin-${process.pid}`;
  await writeFile(temp, FRONTEND_CONFIG_TEXT, { mode: 0o644 });
  await rename(temp, FRONTEND_CONFIG);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function asPostgres(command: string, args: readonly string[]): Promise<string> {
  return (await run('runuser', ['-u', 'postgres', '--', command, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

async function pgStart(dataDir: string, socketDir: string, port: number): Promise<void> {
  await asPostgres(`${PG_BIN}/pg_ctl`, [
    '-D',
    dataDir,
    '-l',
    join(socketDir, 'postgres.log'),
    '-o',
    `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`,
    '-w',
    'start',
  ]);
}

/** Stops the cluster of `dataDir` (pg_ctl signals that cluster's own postmaster, by its pid file). */
async function pgStop(dataDir: string): Promise<void> {
  await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
}

async function zabbixVersion(): Promise<string> {
  return (await run('dpkg-query', ['-W', '-f=${Version}', 'zabbix-server-pgsql'])).stdout.trim().replace(/[^0-9A-Za-z.+~-]/g, '_');
}

/** A folder owned by postgres (initdb and the server refuse root). */
async function postgresDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(path, uid, gid);
  await chmod(path, 0o700);
}

/** The cached cluster holding `zabbix_tpl` with Zabbix's schema, images and data, built once per
 * Zabbix package version. Built in a temp folder and renamed into place, so a concurrent builder
 * or a killed one never leaves a half-loaded cache. */
async function templateCluster(): Promise<string> {
  const cached = join(CACHE_ROOT, `${await zabbixVersion()}-analyzed`);
  if (await exists(join(cached, 'PG_VERSION'))) return cached;
  await mkdir(CACHE_ROOT, { recursive: true, mode: 0o755 });
  const building = `${cached}.building-${process.pid}`;
  const sockets = await makeTempDir('zabbix-tpl-sock');
  await chmod(sockets.path, 0o777);
  await rm(building, { recursive: true, force: true });
  await postgresDir(building);
  try {
    await asPostgres(`${PG_BIN}/initdb`, ['-D', building, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
    const port = await freeTcpPort();
    await pgStart(building, sockets.path, port);
    try {
      const psql = ['-h', sockets.path, '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q'];
      await asPostgres('psql', [...psql, '-c', `CREATE DATABASE ${TEMPLATE_DB}`]);
      const files = ['schema', 'images', 'data'].map((f) => `/usr/share/zabbix-server-pgsql/${f}.sql.gz`).join(' ');
      // zcat | psql: ~23 s for data.sql on this kind of machine, once per Zabbix version.
      await run('bash', ['-o', 'pipefail', '-c', `zcat ${files} | runuser -u postgres -- psql ${psql.join(' ')} -d ${TEMPLATE_DB} >/dev/null`], {
        maxBuffer: 64 * 1024 * 1024,
      });
      // Without statistics PostgreSQL plans Zabbix's template-linking queries badly: linking
      // "ICMP Ping" took 4.4 s instead of 0.7 s.
      await asPostgres('psql', [...psql, '-d', TEMPLATE_DB, '-c', 'ANALYZE']);
    } finally {
      await pgStop(building);
    }
    if (await exists(join(cached, 'PG_VERSION'))) await rm(building, { recursive: true, force: true });
    else await rename(building, cached);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  } finally {
    await sockets.remove();
  }
  return cached;
}

async function apiAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json-rpc' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'apiinfo.version', params: {}, id: 1 }),
  });
  const body = (await response.json()) as { result?: string };
  return typeof body.result === 'string';
}

/** Starts a lab Zabbix 6.0 API: copies the cached cluster (building it first if needed), starts
 * PostgreSQL on a free port, makes a fresh database from the template, serves the frontend with
 * `php -S`. Register `stop` with `after()` at once; it stops php (our PID) before PostgreSQL. */
export async function startLabZabbix(): Promise<LabZabbix> {
  const template = await templateCluster();
  const dir = await makeTempDir('zabbix');
  await chmod(dir.path, 0o755);
  const dataDir = join(dir.path, 'pgdata');
  const sockets = join(dir.path, 'sockets');
  await cp(template, dataDir, { recursive: true, preserveTimestamps: true });
  await postgresDir(dataDir);
  await run('chown', ['-R', 'postgres:postgres', dataDir]);
  await postgresDir(sockets);
  await chmod(sockets, 0o755);
  await rm(join(dataDir, 'postmaster.pid'), { force: true });
  const pgPort = await freeTcpPort();
  let frontend: Daemon | undefined;
  let pgStarted = false;
  const stopAll = async () => {
    await frontend?.stop();
    frontend = undefined;
    if (pgStarted) await pgStop(dataDir);
    pgStarted = false;
    await dir.remove();
  };
  try {
    await pgStart(dataDir, sockets, pgPort);
    pgStarted = true;
    const database = 'zabbix';
    const psqlArgs = ['-h', sockets, '-p', String(pgPort), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'];
    await asPostgres('psql', [...psqlArgs, '-c', `CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DB}`]);
    await installFrontendConfig();
    const httpPort = await freeTcpPort();
    const url = `http://127.0.0.1:${httpPort}/api_jsonrpc.php`;
    const startFrontend = async () => {
      frontend = startDaemon(
        '/usr/bin/php',
        ['-d', 'memory_limit=512M', '-d', 'opcache.enable_cli=1', '-S', `127.0.0.1:${httpPort}`, '-t', '/usr/share/zabbix'],
        {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTIN_ZABBIX_DB_PORT: String(pgPort), PYTIN_ZABBIX_DB_NAME: database },
        },
      );
      const started = frontend;
      await waitFor('the Zabbix frontend API', () => apiAnswers(url), 30000).catch((error: Error) => {
        throw new Error(`${error.message}\n${started.stderr}`);
      });
    };
    await startFrontend();
    return {
      url,
      database,
      sql: (statement) => asPostgres('psql', [...psqlArgs, '-d', database, '-c', statement]),
      async stopFrontend() {
        await frontend?.stop();
        frontend = undefined;
      },
      startFrontend,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
