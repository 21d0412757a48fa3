// AES-256-GCM for secrets at rest. Format: v1.<keyId>.<iv>.<tag>.<ciphertext> (base64url parts);
// keyId names the master key so rotate-master-key can tell old rows from new.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Cipher {
  keyId: string;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('FORJINN_MASTER_KEY must be 32 bytes (base64 or hex)');
  return key;
}

/** The short id a sealed value carries to name its master key (not secret: a hash prefix). */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createCipher(key: Buffer, fallbacks: Buffer[] = []): Cipher {
  const id = masterKeyId;
  const keyId = id(key);
  const byId = new Map([key, ...fallbacks].map((k) => [id(k), k]));
  return {
    keyId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', keyId, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [v, kid, iv, tag, ct] = sealed.split('.');
      const k = byId.get(kid);
      if (v !== 'v1' || !k) throw new Error('cannot decrypt: unknown master key (was FORJINN_MASTER_KEY changed?)');
      const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

/**
 * FORJINN_MASTER_KEY, or a key generated once into DATA_DIR/master.key (mode 0600). `mustExist`:
 * a missing key file is an error instead (a new key could open none of the stored secrets).
 */
export function loadMasterKey(configured: string | undefined, dataDir: string, opts: { mustExist?: boolean } = {}): { key: Buffer; generated: boolean } {
  if (configured) return { key: parseMasterKey(configured), generated: false };
  const dir = resolve(dataDir);
  const file = join(dir, 'master.key');
  if (existsSync(file)) return { key: parseMasterKey(readFileSync(file, 'utf8')), generated: false };
  if (opts.mustExist) throw new Error(`no master key: ${file} does not exist and FORJINN_MASTER_KEY is not set (set it to the key the service uses)`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The id of the master key a sealed value was made with; undefined when the text is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const [v, kid] = sealed.split('.');
  return v === 'v1' && kid ? kid : undefined;
}

/** Writes a master key file (mode 0600) and flushes it to disk before answering: data sealed with it must never outlive it. */
export function writeKeyFile(path: string, key: Buffer): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, key.toString('base64') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
