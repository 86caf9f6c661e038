/*
 * The embedded store: a transaction that fails leaves nothing behind, every write moves the config
 * version once, a reopened store keeps its data, and a store written by a newer Albatross is
 * refused rather than misread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStateStore, storeFileName } from '../../src/store/sqlite/sqlite-state-store.ts';
import { buildTargetGroup, defaultArnContext, targetGroupArn } from '../../src/model/index.ts';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-store-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const tg = (name: string) => buildTargetGroup({ name, port: 8080 }, targetGroupArn(defaultArnContext, name, '0123456789abcdef'), 1);

test('a failed transaction writes nothing and leaves the version alone', async () => {
  const store = new SqliteStateStore(tempDir());
  const before = await store.configVersion();
  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.putTargetGroup(tg('one'));
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await store.configVersion(), before);
  assert.deepEqual(await store.transaction((tx) => tx.listTargetGroups()), []);
  await store.close();
});

test('each writing transaction bumps the version once; reads do not', async () => {
  const store = new SqliteStateStore(tempDir());
  const v0 = await store.configVersion();
  await store.transaction(async (tx) => {
    await tx.putTargetGroup(tg('one'));
    await tx.putTarget(tg('one').arn, { id: '127.0.0.1', port: 1, registeredAt: 1 });
  });
  assert.equal(await store.configVersion(), v0 + 1);
  await store.transaction((tx) => tx.listTargetGroups());
  assert.equal(await store.configVersion(), v0 + 1);
  await store.close();
});

test('deleting a target group deletes its targets; data survives reopening', async () => {
  const dir = tempDir();
  const store = new SqliteStateStore(dir);
  const a = tg('a');
  await store.transaction(async (tx) => {
    await tx.putTargetGroup(a);
    await tx.putTargetGroup(tg('b'));
    await tx.putTarget(a.arn, { id: 'h', port: 2, registeredAt: 1 });
  });
  await store.close();
  const again = new SqliteStateStore(dir);
  assert.deepEqual((await again.transaction((tx) => tx.listTargetGroups())).map((g) => g.name), ['a', 'b']);
  await again.transaction((tx) => tx.deleteTargetGroup(a.arn));
  assert.deepEqual(await again.transaction((tx) => tx.listTargets(a.arn)), []);
  await again.close();
});

test('duplicate names are refused by the store itself', async () => {
  const store = new SqliteStateStore(tempDir());
  await store.transaction((tx) => tx.putTargetGroup(tg('same')));
  const other = { ...tg('same'), arn: targetGroupArn(defaultArnContext, 'same', 'ffffffffffffffff') };
  await assert.rejects(store.transaction((tx) => tx.putTargetGroup(other)), /UNIQUE/);
  await store.close();
});

test('concurrent transactions are serialised', async () => {
  const store = new SqliteStateStore(tempDir());
  await Promise.all(['a', 'b', 'c', 'd'].map((n) => store.transaction((tx) => tx.putTargetGroup(tg(n)))));
  assert.equal((await store.transaction((tx) => tx.listTargetGroups())).length, 4);
  await store.close();
});

test('a store from a newer schema is refused with a clear error', async () => {
  const dir = tempDir();
  new SqliteStateStore(dir).close();
  const db = new Database(join(dir, storeFileName));
  db.pragma('user_version = 999');
  db.close();
  assert.throws(() => new SqliteStateStore(dir), /newer than this Albatross knows/);
});

test('observed health records replace those of the same node only', async () => {
  const store = new SqliteStateStore(tempDir());
  const rec = (node: string, id: string) => ({ targetGroupArn: 'arn:tg', id, port: 1, node, state: 'healthy' as const });
  await store.saveTargetHealth('n1', [rec('n1', 'a'), rec('n1', 'b')]);
  await store.saveTargetHealth('n2', [rec('n2', 'a')]);
  await store.saveTargetHealth('n1', [rec('n1', 'c')]);
  const all = await store.listTargetHealth();
  assert.deepEqual(all.map((r) => `${r.node}/${r.id}`).sort(), ['n1/c', 'n2/a']);
  await store.close();
});
