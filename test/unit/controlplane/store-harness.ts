/**
 * Runs API action handlers directly, against a real SqliteStateStore in a temp dir and a master
 * key of random bytes: parameters go through the real Query decoder (flat `Name.member.N` pairs
 * as the AWS CLI sends them), and `dump()` reads every table of the SQLite file, so a test can
 * prove that a failed call left the store exactly as it was.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteStateStore, storeFileName } from '../../../src/store/sqlite/sqlite-state-store.ts';
import { MasterKey } from '../../../src/secrets/master-key.ts';
import { services } from '../../../src/controlplane/api/actions/index.ts';
import type { ActionContext, ApiService } from '../../../src/controlplane/api/action.ts';
import { expandQueryParams } from '../../../src/controlplane/api/query-protocol.ts';
import type { XmlObject } from '../../../src/controlplane/api/xml.ts';
import { AlbatrossError, defaultArnContext, type ErrorCode } from '../../../src/model/index.ts';
import { randomHex } from '../../../src/lib/ids.ts';

export interface Harness {
  dir: string;
  dbFile: string;
  store: SqliteStateStore;
  ctx: ActionContext;
  masterKey: MasterKey;
  /** Runs `action` of `service` with flat Query parameters. */
  call(service: ApiService['signingName'], action: string, params?: Record<string, string>): Promise<XmlObject | undefined>;
  /** Every row of every table, as JSON text. */
  dump(): string;
  /** Asserts the call fails with `code` (and a message matching `message`) and changes nothing. */
  fails(service: ApiService['signingName'], action: string, params: Record<string, string>, code: ErrorCode, message?: RegExp): Promise<AlbatrossError>;
}

export async function harness(opts: { now?: () => number } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-actions-'));
  const store = new SqliteStateStore(dir);
  const masterKey = new MasterKey(randomBytes(32));
  const dbFile = join(dir, storeFileName);
  const reader = new Database(dbFile, { readonly: true });
  after(async () => {
    reader.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ctx: ActionContext = {
    store,
    masterKey,
    arnContext: defaultArnContext,
    now: opts.now ?? Date.now,
    randomHex,
    health: { get: () => undefined },
    requestId: 'test-request',
  };
  const call: Harness['call'] = async (service, action, params = {}) => {
    const handler = services[service].actions[action];
    assert.ok(handler, `${service} has no action ${action}`);
    return handler(expandQueryParams(Object.entries(params)), ctx);
  };
  const dump = (): string => {
    const tables = (reader.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
    const out: Record<string, unknown[]> = {};
    for (const t of tables) out[t] = reader.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all();
    return JSON.stringify(out);
  };
  const fails: Harness['fails'] = async (service, action, params, code, message) => {
    const before = dump();
    const version = await store.configVersion();
    let caught: unknown;
    try {
      await call(service, action, params);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof AlbatrossError, `${action} should fail with ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
    assert.equal(caught.code, code, `${action}: ${caught.message}`);
    if (message) assert.match(caught.message, message);
    assert.equal(await store.configVersion(), version, `${action} failed but moved the config version`);
    assert.equal(dump(), before, `${action} failed but changed the store`);
    return caught;
  };
  return { dir, dbFile, store, ctx, masterKey, call, dump, fails };
}

/** `{ Rules: [...] }` → the list; XmlObject values are loosely typed for tests. */
export function list(value: unknown): Array<Record<string, unknown>> {
  assert.ok(Array.isArray(value), `expected a list, got ${JSON.stringify(value)}`);
  return value as Array<Record<string, unknown>>;
}
