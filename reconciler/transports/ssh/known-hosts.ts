import { createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { type HostKey, hostKeyFromBlob } from './host-key.js';

/** Host keys pinned in an OpenSSH known_hosts file: `host[,host...] type base64 [comment]`,
 * hosts on a port other than 22 written `[host]:port`, hashed names `|1|salt|hmac` accepted.
 * Lines with a marker (@cert-authority, @revoked) are not used for pinning: pytin pins keys, not
 * CAs; a @revoked key is reported as such. */
export interface KnownHostEntry {
  line: number;
  patterns: string;
  key: HostKey;
  revoked: boolean;
}

/** The name OpenSSH looks up for a host and port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** OpenSSH semantics: a negated pattern that matches excludes the line, whatever else matches. */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatch(patterns, name);
  let matched = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (globMatch(pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    let fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields = fields.slice(1);
    }
    const [patterns, type, base64] = fields;
    if (!patterns || !type || !base64) return;
    try {
      const key = hostKeyFromBlob(Buffer.from(base64, 'base64'));
      if (key.type !== type) return;
      entries.push({ line: index + 1, patterns, key, revoked });
    } catch {
      // A line OpenSSH could not use either; skipping it matches ssh's own behaviour.
    }
  });
  return entries;
}

export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function entriesFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => patternsMatch(e.patterns, name));
}

/** Records a newly trusted key. One appendFile per line: concurrent appends of whole short
 * lines to an O_APPEND file do not interleave. */
export async function appendKnownHost(path: string, host: string, port: number, key: HostKey): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A hand-edited file may lack its final newline; the new entry must not join that line.
  const existing = await readFile(path, 'utf8').catch(() => '');
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(path, `${separator}${knownHostsName(host, port)} ${key.type} ${key.blob.toString('base64')}\n`, { mode: 0o600 });
}
