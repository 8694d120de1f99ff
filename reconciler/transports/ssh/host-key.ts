import { createHash } from 'node:crypto';

/** An SSH public key blob as sent in the handshake (RFC 4253 §6.6): string type, then data. */
export interface HostKey {
  type: string;
  blob: Buffer;
}

export function hostKeyFromBlob(blob: Buffer): HostKey {
  if (blob.length < 4) throw new Error('host key blob too short');
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4 || length === 0) throw new Error('host key blob has a bad type length');
  return { type: blob.subarray(4, 4 + length).toString('latin1'), blob };
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, as `ssh-keygen -lf` prints it. */
export function fingerprint(key: HostKey): string {
  return `SHA256:${createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '')}`;
}

export function sameKey(a: HostKey, b: HostKey): boolean {
  return a.type === b.type && a.blob.equals(b.blob);
}

/** Host key algorithms that prove possession of a key of `type` (RSA keys sign with SHA-2). */
export function algorithmsForKeyType(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}
