/*
 * Access keys on a real SqliteStateStore: ids and secrets look like AWS's, a secret is stored
 * only sealed (the SQLite files never hold it), the first-start bootstrap creates one key and a
 * 0600 shared-credentials file once, and deleting an unknown key is an error that changes nothing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { MasterKey } from '../../src/secrets/master-key.ts';
import {
  AccessKeySecrets, accessKeyPurpose, bootstrapAccessKey, createAccessKey, deleteAccessKey, listAccessKeys, newAccessKeyId, newSecretAccessKey,
} from '../../src/controlplane/access-keys.ts';
import { AlbatrossError } from '../../src/model/index.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newStore(): { dir: string; store: SqliteStateStore; key: MasterKey } {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-keys-'));
  dirs.push(dir);
  return { dir, store: new SqliteStateStore(dir), key: new MasterKey(randomBytes(32)) };
}

/** Every byte of every file in `dir`, as latin1 text. */
function everything(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
}

test('ids are AKIA + 16 of [A-Z0-9], secrets 40 of [A-Za-z0-9+/], all different', () => {
  const ids = new Set<string>();
  const secrets = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = newAccessKeyId();
    const secret = newSecretAccessKey();
    assert.match(id, /^AKIA[A-Z0-9]{16}$/);
    assert.match(secret, /^[A-Za-z0-9+/]{40}$/);
    ids.add(id);
    secrets.add(secret);
  }
  assert.equal(ids.size, 200);
  assert.equal(secrets.size, 200);
});

test('a created key is stored sealed: the store files never hold its secret; the cache opens it', async () => {
  const { dir, store, key } = newStore();
  const created = await createAccessKey(store, key, 'ci', 1_700_000_000_000);
  assert.deepEqual(created.key, { accessKeyId: created.key.accessKeyId, name: 'ci', createdAt: 1_700_000_000_000, status: 'Active' });
  const stored = await store.transaction((tx) => tx.getAccessKey(created.key.accessKeyId));
  assert.ok(stored);
  assert.ok(!stored.secretSealed.includes(created.secretAccessKey));
  assert.equal(key.open(stored.secretSealed, accessKeyPurpose(created.key.accessKeyId)), created.secretAccessKey);
  assert.throws(() => key.open(stored.secretSealed, accessKeyPurpose('AKIAOTHER00000000000')), 'the seal is bound to the key id');
  assert.ok(!everything(dir).includes(created.secretAccessKey));

  const secrets = new AccessKeySecrets(store, key, () => undefined);
  await secrets.refresh();
  assert.equal(secrets.secretFor(created.key.accessKeyId), created.secretAccessKey);
  assert.equal(secrets.secretFor('AKIAAAAAAAAAAAAAAAAA'), undefined);
  await store.close();
});

test('names are checked; list is oldest first and carries no secret; delete removes, unknown ids are NoSuchEntity', async () => {
  const { store, key } = newStore();
  await assert.rejects(createAccessKey(store, key, 'has space'), (e: AlbatrossError) => e.code === 'ValidationError');
  await assert.rejects(createAccessKey(store, key, ''), (e: AlbatrossError) => e.code === 'ValidationError');
  await assert.rejects(createAccessKey(store, key, 'x'.repeat(65)), (e: AlbatrossError) => e.code === 'ValidationError');
  const b = await createAccessKey(store, key, 'b', 2000);
  const a = await createAccessKey(store, key, 'a', 1000);
  const list = await listAccessKeys(store);
  assert.deepEqual(list.map((k) => k.name), ['a', 'b']);
  assert.ok(!JSON.stringify(list).includes(a.secretAccessKey));
  const version = await store.configVersion();
  await assert.rejects(deleteAccessKey(store, 'AKIAAAAAAAAAAAAAAAAA'), (e: AlbatrossError) => e.code === 'NoSuchEntity');
  assert.equal(await store.configVersion(), version);
  assert.equal((await deleteAccessKey(store, b.key.accessKeyId)).name, 'b');
  assert.deepEqual((await listAccessKeys(store)).map((k) => k.accessKeyId), [a.key.accessKeyId]);
  await store.close();
});

test('bootstrap: on a store without keys, one key named initial and a 0600 credentials file; then never again', async () => {
  const { dir, store, key } = newStore();
  const first = await bootstrapAccessKey(store, key, dir, 'local');
  assert.ok(first);
  assert.equal(first.key.name, 'initial');
  assert.equal(first.credentialsFile, join(dir, 'admin-credentials'));
  assert.equal(statSync(first.credentialsFile).mode & 0o777, 0o600);
  const text = readFileSync(first.credentialsFile, 'utf8');
  const m = /^\[default\]\naws_access_key_id = (AKIA[A-Z0-9]{16})\naws_secret_access_key = ([A-Za-z0-9+/]{40})\nregion = local\n$/.exec(text);
  assert.ok(m, text);
  assert.equal(m[1], first.key.accessKeyId);
  const secrets = new AccessKeySecrets(store, key, () => undefined);
  await secrets.refresh();
  assert.equal(secrets.secretFor(m[1]!), m[2]);

  assert.equal(await bootstrapAccessKey(store, key, dir, 'local'), undefined);
  assert.equal((await listAccessKeys(store)).length, 1);
  assert.equal(readFileSync(first.credentialsFile, 'utf8'), text);
  await store.close();
});
