/**
 * Access keys for the admin API: created, listed and deleted here (by `albatross access-keys`
 * and at the first start of `serve`), and looked up by the API server to verify SigV4 signatures.
 *
 * An access key is an id (`AKIA` + 16 upper-case letters and digits, as AWS's) and a 40-character
 * secret. The secret is sealed with the master key (`access-key:<id>` as associated data) before
 * it reaches the store and is shown once, when created; nothing can read it back but this
 * process's in-memory cache of opened secrets.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AlbatrossError, type AccessKey } from '../model/index.ts';
import type { MasterKey } from '../secrets/master-key.ts';
import type { StateStore, StoreTx } from '../store/state-store.ts';

/** Associated data an access key's secret is sealed with. */
export function accessKeyPurpose(accessKeyId: string): string {
  return `access-key:${accessKeyId}`;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const ACCESS_KEY_ID_PATTERN = /^AKIA[A-Z0-9]{16}$/;
/** IAM's user-name characters; a name says what a key is for (`ci`, `console-alice`). */
export const ACCESS_KEY_NAME_PATTERN = /^[A-Za-z0-9+=,.@_-]{1,64}$/;

/** `AKIA` + 16 characters of [A-Z0-9], uniformly from the CSPRNG. */
export function newAccessKeyId(): string {
  let id = 'AKIA';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** 40 characters of [A-Za-z0-9+/] (30 random bytes in base64), like AWS's secret access keys. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function checkAccessKeyName(name: string): void {
  if (!ACCESS_KEY_NAME_PATTERN.test(name)) {
    throw new AlbatrossError(
      'ValidationError',
      `Access key name '${name}' is not valid: 1 to 64 letters, digits and the characters + = , . @ _ -`,
    );
  }
}

export interface NewAccessKey {
  key: AccessKey;
  /** Shown once; the store holds it only sealed. */
  secretAccessKey: string;
}

/** Creates an access key inside `tx`: seals the secret and stores it. */
export async function createAccessKeyIn(tx: StoreTx, masterKey: MasterKey, name: string, now: number): Promise<NewAccessKey> {
  checkAccessKeyName(name);
  let accessKeyId = newAccessKeyId();
  while ((await tx.getAccessKey(accessKeyId)) !== undefined) accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const key: AccessKey = { accessKeyId, name, createdAt: now, status: 'Active' };
  await tx.putAccessKey({ key, secretSealed: masterKey.seal(secretAccessKey, accessKeyPurpose(accessKeyId)) });
  return { key, secretAccessKey };
}

/** Creates an access key in its own transaction. */
export function createAccessKey(store: StateStore, masterKey: MasterKey, name: string, now = Date.now()): Promise<NewAccessKey> {
  return store.transaction((tx) => createAccessKeyIn(tx, masterKey, name, now));
}

/** Every access key (never a secret), oldest first. */
export async function listAccessKeys(store: StateStore): Promise<AccessKey[]> {
  const stored = await store.transaction((tx) => tx.listAccessKeys());
  return stored.map((s) => s.key).sort((a, b) => a.createdAt - b.createdAt || a.accessKeyId.localeCompare(b.accessKeyId));
}

/** Deletes an access key; requests signed with it fail from then on. Throws when there is none. */
export async function deleteAccessKey(store: StateStore, accessKeyId: string): Promise<AccessKey> {
  return store.transaction(async (tx) => {
    const existing = await tx.getAccessKey(accessKeyId);
    if (existing === undefined) {
      throw new AlbatrossError('NoSuchEntity', `There is no access key ${accessKeyId}.`);
    }
    await tx.deleteAccessKey(accessKeyId);
    return existing.key;
  });
}

// ---------------------------------------------------------------------------------------------
// First start

export const adminCredentialsFileName = 'admin-credentials';
export const initialAccessKeyName = 'initial';

/** The AWS CLI's shared-credentials format (`region` is read from this file too). */
export function sharedCredentialsText(accessKeyId: string, secretAccessKey: string, region: string): string {
  return `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\nregion = ${region}\n`;
}

/** Writes `<dataDir>/admin-credentials` with mode 0600 (replacing any older one); returns its absolute path. */
export function writeAdminCredentials(dataDir: string, created: NewAccessKey, region: string): string {
  const file = resolve(join(dataDir, adminCredentialsFileName));
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, sharedCredentialsText(created.key.accessKeyId, created.secretAccessKey, region), { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

/**
 * When the store has no access key at all, creates one named `initial` and writes it to
 * `<dataDir>/admin-credentials`; returns the key and the file, or undefined when there were keys.
 */
export async function bootstrapAccessKey(
  store: StateStore,
  masterKey: MasterKey,
  dataDir: string,
  region: string,
  now = Date.now(),
): Promise<{ key: AccessKey; credentialsFile: string } | undefined> {
  const created = await store.transaction(async (tx) => {
    if ((await tx.listAccessKeys()).length > 0) return undefined;
    return createAccessKeyIn(tx, masterKey, initialAccessKeyName, now);
  });
  if (created === undefined) return undefined;
  return { key: created.key, credentialsFile: writeAdminCredentials(dataDir, created, region) };
}

// ---------------------------------------------------------------------------------------------
// The API server's view

/**
 * Opened secrets of the active access keys, kept in memory. `refresh()` reloads them when the
 * store's config version has moved (every key change moves it), so a created key works and a
 * deleted one stops working with the next request; `secretFor` is synchronous, for the verifier.
 */
export class AccessKeySecrets {
  readonly #store: StateStore;
  readonly #masterKey: MasterKey;
  readonly #warn: (line: string) => void;
  #version = -1;
  #secrets = new Map<string, { sealed: string; secret: string }>();
  #loading: Promise<void> | undefined;
  readonly #warned = new Set<string>();

  constructor(store: StateStore, masterKey: MasterKey, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {
    this.#store = store;
    this.#masterKey = masterKey;
    this.#warn = warn;
  }

  /** Brings the cache up to date with the store; concurrent callers share one reload. */
  async refresh(): Promise<void> {
    if (this.#loading) await this.#loading;
    const version = await this.#store.configVersion();
    if (version === this.#version) return;
    this.#loading ??= this.#load(version).finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  async #load(version: number): Promise<void> {
    const stored = await this.#store.transaction((tx) => tx.listAccessKeys());
    const next = new Map<string, { sealed: string; secret: string }>();
    for (const { key, secretSealed } of stored) {
      if (key.status !== 'Active') continue;
      const known = this.#secrets.get(key.accessKeyId);
      if (known !== undefined && known.sealed === secretSealed) {
        next.set(key.accessKeyId, known);
        continue;
      }
      try {
        next.set(key.accessKeyId, { sealed: secretSealed, secret: this.#masterKey.open(secretSealed, accessKeyPurpose(key.accessKeyId)) });
      } catch {
        if (this.#warned.has(key.accessKeyId)) continue;
        this.#warned.add(key.accessKeyId);
        this.#warn(`albatross: access key ${key.accessKeyId} cannot be opened with this master key; requests signed with it are refused`);
      }
    }
    this.#secrets = next;
    this.#version = version;
  }

  /** The secret of an active access key, or undefined. */
  secretFor(accessKeyId: string): string | undefined {
    return this.#secrets.get(accessKeyId)?.secret;
  }
}
