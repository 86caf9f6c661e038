/**
 * The master key seals secrets at rest (private keys of certificates, access-key secrets) with
 * AES-256-GCM. It comes from `ALBATROSS_MASTER_KEY` (64 hex digits, or any passphrase, which is
 * stretched with scrypt) or from `<data-dir>/master.key`, created with mode 0600 on first use.
 * It never enters the store: a store copied without its key reveals no secret.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const masterKeyFileName = 'master.key';
const version = 'v1';

export class MasterKey {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a master key is 32 bytes');
    this.#key = key;
  }

  /** From the environment if set, else from (or newly into) the data directory. */
  static load(dataDir: string, env: NodeJS.ProcessEnv = process.env): MasterKey {
    const fromEnv = env.ALBATROSS_MASTER_KEY;
    if (fromEnv !== undefined && fromEnv !== '') {
      if (/^[0-9a-fA-F]{64}$/.test(fromEnv)) return new MasterKey(Buffer.from(fromEnv, 'hex'));
      return new MasterKey(scryptSync(fromEnv, 'albatross-master-key', 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }));
    }
    const file = join(dataDir, masterKeyFileName);
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} does not hold a master key (64 hex digits)`);
    return new MasterKey(Buffer.from(text, 'hex'));
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url); `purpose` is bound in as associated data. */
  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [version, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Throws when the envelope was sealed under another key or for another purpose, or altered. */
  open(sealed: string, purpose: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== version || iv === undefined || tag === undefined || ct === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}

const checkPurpose = 'albatross-master-key-check';
const checkMetaKey = 'master_key_check';

/**
 * Makes sure the store's secrets were sealed under this key: the first use records a sealed
 * marker; later uses must open it. A wrong key is refused before anything is served.
 */
export async function verifyMasterKey(
  key: MasterKey,
  meta: { getMeta(k: string): Promise<string | undefined>; setMeta(k: string, v: string): Promise<void> },
): Promise<void> {
  const marker = await meta.getMeta(checkMetaKey);
  if (marker === undefined) {
    await meta.setMeta(checkMetaKey, key.seal('albatross', checkPurpose));
    return;
  }
  try {
    key.open(marker, checkPurpose);
  } catch {
    throw new Error(
      'the master key does not match the one this store was sealed with: check ALBATROSS_MASTER_KEY or <data-dir>/master.key',
    );
  }
}

const stickinessPurpose = 'albatross-stickiness-key';
const stickinessMetaKey = 'stickiness_key';

/**
 * The key that seals sticky-session cookies, shared by every worker, restart and node: created
 * once, kept in the store sealed under the master key.
 */
export async function loadStickinessKey(
  key: MasterKey,
  meta: { getMeta(k: string): Promise<string | undefined>; setMeta(k: string, v: string): Promise<void> },
): Promise<Buffer> {
  const sealed = await meta.getMeta(stickinessMetaKey);
  if (sealed !== undefined) return Buffer.from(key.open(sealed, stickinessPurpose), 'base64');
  const fresh = randomBytes(32);
  await meta.setMeta(stickinessMetaKey, key.seal(fresh.toString('base64'), stickinessPurpose));
  return fresh;
}
