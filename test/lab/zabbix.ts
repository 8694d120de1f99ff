import { execFile } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { type Daemon, freeTcpPort, startDaemon, waitFor } from './daemon.js';
import { zabbix7Runtime } from './zabbix7-chroot.js';

const run = promisify(execFile);

/** The Zabbix releases the lab runs: 6.0 from this machine's (bookworm) packages, 7.0 LTS from
 * Debian 13's packages in a chroot (test/lab/zabbix7-chroot.ts). */
export type ZabbixGeneration = '6.0' | '7.0';
export const LAB_ZABBIX_GENERATIONS: readonly ZabbixGeneration[] = ['6.0', '7.0'];

/** Where a generation's programs live. Paths below are the ones the programs see (inside the
 * chroot for 7.0); `hostPath` turns one into the path this process opens. */
export interface ZabbixRuntime {
  /** `/` on this machine, the chroot's folder for 7.0. */
  root: string;
  /** What runs a program inside: nothing, or `chroot ROOT`. */
  prefix: readonly string[];
  /** Makes the runtime usable for one lab instance (7.0: proc mounted); returns what undoes it. */
  enter(): Promise<() => Promise<void>>;
}

const HOST_RUNTIME: ZabbixRuntime = { root: '/', prefix: [], enter: () => Promise.resolve(() => Promise.resolve()) };

async function runtimeOf(generation: ZabbixGeneration): Promise<ZabbixRuntime> {
  return generation === '6.0' ? HOST_RUNTIME : zabbix7Runtime();
}

const hostPath = (runtime: ZabbixRuntime, inside: string) => join(runtime.root, inside);

/** The frontend reads its configuration from this fixed path (CConfigFile::CONFIG_FILE_PATH). */
const FRONTEND_CONFIG = '/etc/zabbix/zabbix.conf.php';
/** Where the loaded-schema cluster is cached between test files (the schema takes ~23 s to load);
 * in the runtime, so the 7.0 one is in its chroot. */
const CACHE_ROOT = '/var/tmp/pytin-zabbix-cache';
const TEMPLATE_DB = 'zabbix_tpl';

/** A real Zabbix frontend API (6.0 or 7.0) on 127.0.0.1 over its own PostgreSQL cluster (a copy
 * of a cached one with the schema loaded). One per test file: the API serves one request at a time. */
export interface LabZabbix {
  generation: ZabbixGeneration;
  /** Where its programs run: what runs another of them (zabbix_server) beside it. */
  runtime: ZabbixRuntime;
  /** `http://127.0.0.1:PORT/api_jsonrpc.php` */
  url: string;
  /** The database the frontend uses (fresh from the template). */
  database: string;
  /** This machine's path of the frontend's PHP (`/usr/share/zabbix`, in the chroot for 7.0). */
  frontendDir: string;
  /** psql against the lab's database: for assertions and for setting up what the API cannot. */
  sql(statement: string): Promise<string>;
  /** Runs PHP code (no `<?php`) with the generation's php-cli, `args` as `$argv[1..]`; its stdout. */
  php(code: string, args: readonly string[]): Promise<string>;
  /** Stops the frontend (its PID) and leaves PostgreSQL running: "Zabbix down" for a test. */
  stopFrontend(): Promise<void>;
  /** Starts the frontend again on the same port. */
  startFrontend(): Promise<void>;
  stop(): Promise<void>;
}

/** The frontend configuration. It is one fixed file for every lab Zabbix of a runtime, so it
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
async function installFrontendConfig(runtime: ZabbixRuntime): Promise<void> {
  const path = hostPath(runtime, FRONTEND_CONFIG);
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === FRONTEND_CONFIG_TEXT) return;
  const temp = `${path}.pytin-${process.pid}`;
  await writeFile(temp, FRONTEND_CONFIG_TEXT, { mode: 0o644 });
  await rename(temp, path);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs a program inside the runtime. */
async function inside(runtime: ZabbixRuntime, command: string, args: readonly string[]): Promise<string> {
  const [program, ...rest] = [...runtime.prefix, command, ...args];
  return (await run(program!, rest, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

async function asPostgres(runtime: ZabbixRuntime, command: string, args: readonly string[]): Promise<string> {
  return inside(runtime, 'runuser', ['-u', 'postgres', '--', command, ...args]);
}

/** The runtime's PostgreSQL programs (`/usr/lib/postgresql/<major>/bin`: 15 on bookworm, 17 on trixie). */
async function pgBin(runtime: ZabbixRuntime): Promise<string> {
  const majors = (await readdir(hostPath(runtime, '/usr/lib/postgresql'))).filter((m) => /^\d+$/.test(m)).sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error(`no PostgreSQL in ${hostPath(runtime, '/usr/lib/postgresql')}`);
  return `/usr/lib/postgresql/${majors[0]}/bin`;
}

async function pgStart(runtime: ZabbixRuntime, dataDir: string, socketDir: string, port: number): Promise<void> {
  await asPostgres(runtime, `${await pgBin(runtime)}/pg_ctl`, [
    '-D',
    dataDir,
    '-l',
    join(socketDir, 'postgres.log'),
    '-o',
    // mmap shared memory: the chroot has no /dev/shm mount.
    `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c dynamic_shared_memory_type=mmap`,
    '-w',
    'start',
  ]);
}

/** Stops the cluster of `dataDir` (pg_ctl signals that cluster's own postmaster, by its pid file). */
async function pgStop(runtime: ZabbixRuntime, dataDir: string): Promise<void> {
  await asPostgres(runtime, `${await pgBin(runtime)}/pg_ctl`, ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
}

async function zabbixVersion(runtime: ZabbixRuntime): Promise<string> {
  return (await inside(runtime, 'dpkg-query', ['-W', '-f=${Version}', 'zabbix-server-pgsql'])).trim().replace(/[^0-9A-Za-z.+~-]/g, '_');
}

/** A folder owned by the runtime's postgres (initdb and the server refuse root). `path` is inside. */
async function postgresDir(runtime: ZabbixRuntime, path: string): Promise<void> {
  await mkdir(hostPath(runtime, path), { recursive: true });
  const uid = Number((await inside(runtime, 'id', ['-u', 'postgres'])).trim());
  const gid = Number((await inside(runtime, 'id', ['-g', 'postgres'])).trim());
  await chown(hostPath(runtime, path), uid, gid);
  await chmod(hostPath(runtime, path), 0o700);
}

/** A fresh folder under the runtime's /tmp; returns the path inside and its removal. */
async function runtimeTempDir(runtime: ZabbixRuntime, prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const host = await mkdtemp(hostPath(runtime, `/tmp/pytin-${prefix}-`));
  const path = host.slice(runtime.root === '/' ? 0 : runtime.root.length);
  return { path, remove: () => rm(host, { recursive: true, force: true }) };
}

/** The cached cluster holding `zabbix_tpl` with Zabbix's schema, images and data, built once per
 * Zabbix package version. Built in a temp folder and renamed into place, so a concurrent builder
 * or a killed one never leaves a half-loaded cache. Returns the path inside the runtime. */
async function templateCluster(runtime: ZabbixRuntime): Promise<string> {
  const cached = join(CACHE_ROOT, `${await zabbixVersion(runtime)}-analyzed`);
  if (await exists(hostPath(runtime, join(cached, 'PG_VERSION')))) return cached;
  await mkdir(hostPath(runtime, CACHE_ROOT), { recursive: true, mode: 0o755 });
  const building = `${cached}.building-${process.pid}`;
  const sockets = await runtimeTempDir(runtime, 'zabbix-tpl-sock');
  await chmod(hostPath(runtime, sockets.path), 0o777);
  await rm(hostPath(runtime, building), { recursive: true, force: true });
  await postgresDir(runtime, building);
  const bin = await pgBin(runtime);
  try {
    await asPostgres(runtime, `${bin}/initdb`, ['-D', building, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
    const port = await freeTcpPort();
    await pgStart(runtime, building, sockets.path, port);
    try {
      const psql = ['-h', sockets.path, '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q'];
      await asPostgres(runtime, 'psql', [...psql, '-c', `CREATE DATABASE ${TEMPLATE_DB}`]);
      const files = ['schema', 'images', 'data'].map((f) => `/usr/share/zabbix-server-pgsql/${f}.sql.gz`).join(' ');
      // zcat | psql: ~23 s for data.sql on this kind of machine, once per Zabbix version.
      await inside(runtime, 'bash', ['-o', 'pipefail', '-c', `zcat ${files} | runuser -u postgres -- psql ${psql.join(' ')} -d ${TEMPLATE_DB} >/dev/null`]);
      // Without statistics PostgreSQL plans Zabbix's template-linking queries badly: linking
      // "ICMP Ping" took 4.4 s instead of 0.7 s.
      await asPostgres(runtime, 'psql', [...psql, '-d', TEMPLATE_DB, '-c', 'ANALYZE']);
    } finally {
      await pgStop(runtime, building);
    }
    if (await exists(hostPath(runtime, join(cached, 'PG_VERSION')))) await rm(hostPath(runtime, building), { recursive: true, force: true });
    else await rename(hostPath(runtime, building), hostPath(runtime, cached));
  } catch (error) {
    await rm(hostPath(runtime, building), { recursive: true, force: true });
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

/** Starts a lab Zabbix API of `generation`: copies the cached cluster (building it, and for 7.0
 * the chroot, first if needed), starts PostgreSQL on a free port, makes a fresh database from the
 * template, serves the frontend with `php -S`. Register `stop` with `after()` at once; it stops
 * php (our PID) before PostgreSQL, then leaves the runtime (7.0: proc unmounted when unused). */
export async function startLabZabbix(generation: ZabbixGeneration = '6.0'): Promise<LabZabbix> {
  const runtime = await runtimeOf(generation);
  const leave = await runtime.enter();
  let frontend: Daemon | undefined;
  let pgStarted = false;
  let dir: { path: string; remove(): Promise<void> } | undefined;
  let dataDir = '';
  const stopAll = async () => {
    await frontend?.stop();
    frontend = undefined;
    if (pgStarted) await pgStop(runtime, dataDir);
    pgStarted = false;
    await dir?.remove();
    await leave();
  };
  try {
    const template = await templateCluster(runtime);
    dir = await runtimeTempDir(runtime, 'zabbix');
    await chmod(hostPath(runtime, dir.path), 0o755);
    dataDir = join(dir.path, 'pgdata');
    const sockets = join(dir.path, 'sockets');
    await cp(hostPath(runtime, template), hostPath(runtime, dataDir), { recursive: true, preserveTimestamps: true });
    await postgresDir(runtime, dataDir);
    await inside(runtime, 'chown', ['-R', 'postgres:postgres', dataDir]);
    await postgresDir(runtime, sockets);
    await chmod(hostPath(runtime, sockets), 0o755);
    await rm(hostPath(runtime, join(dataDir, 'postmaster.pid')), { force: true });
    const pgPort = await freeTcpPort();
    await pgStart(runtime, dataDir, sockets, pgPort);
    pgStarted = true;
    const database = 'zabbix';
    const psqlArgs = ['-h', sockets, '-p', String(pgPort), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'];
    await asPostgres(runtime, 'psql', [...psqlArgs, '-c', `CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DB}`]);
    await installFrontendConfig(runtime);
    const httpPort = await freeTcpPort();
    const url = `http://127.0.0.1:${httpPort}/api_jsonrpc.php`;
    const php = ['/usr/bin/php', '-d', 'memory_limit=512M', '-d', 'opcache.enable_cli=1', '-S', `127.0.0.1:${httpPort}`, '-t', '/usr/share/zabbix'];
    const [program, ...args] = [...runtime.prefix, ...php];
    const startFrontend = async () => {
      // chroot execs php: the daemon's PID is php's.
      frontend = startDaemon(program!, args, {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTIN_ZABBIX_DB_PORT: String(pgPort), PYTIN_ZABBIX_DB_NAME: database },
      });
      const started = frontend;
      await waitFor('the Zabbix frontend API', () => apiAnswers(url), 30000).catch((error: Error) => {
        throw new Error(`${error.message}\n${started.stderr}`);
      });
    };
    await startFrontend();
    return {
      generation,
      runtime,
      url,
      database,
      frontendDir: hostPath(runtime, '/usr/share/zabbix'),
      sql: (statement) => asPostgres(runtime, 'psql', [...psqlArgs, '-d', database, '-c', statement]),
      php: (code, args) => inside(runtime, '/usr/bin/php', ['-d', 'display_errors=stderr', '-r', code, '--', ...args]),
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
