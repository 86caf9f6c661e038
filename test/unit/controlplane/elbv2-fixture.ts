/**
 * Runs elasticloadbalancing handlers directly (no HTTP, no signing) against a real SQLite store in
 * a temp dir, with a fixed clock, predictable ids and a health view the test sets. Parameters are
 * written as nested objects and go through the real Query decoder, as the AWS CLI's would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '../../../src/store/sqlite/sqlite-state-store.ts';
import { services } from '../../../src/controlplane/api/actions/index.ts';
import { decodeQueryRequest } from '../../../src/controlplane/api/query-protocol.ts';
import { renderResult, XML_NAMESPACES, type XmlObject } from '../../../src/controlplane/api/xml.ts';
import type { ActionContext } from '../../../src/controlplane/api/action.ts';
import type { MasterKey } from '../../../src/secrets/master-key.ts';
import { AlbatrossError, defaultArnContext, type TargetHealth } from '../../../src/model/index.ts';

export type Param = string | number | boolean | undefined | Param[] | { [k: string]: Param };

/** `{Targets: [{Id: 'a', Port: 80}]}` → `Targets.member.1.Id=a&Targets.member.1.Port=80`. */
export function form(params: Record<string, Param>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: Param): void => {
    if (v === undefined) return;
    if (Array.isArray(v)) {
      if (v.length === 0) pairs.push(`${encodeURIComponent(prefix)}=`);
      v.forEach((item, i) => walk(`${prefix}.member.${i + 1}`, item));
    } else if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(`${prefix}.${k}`, child);
    } else {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(v))}`);
    }
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return pairs.join('&');
}

export interface Fixture {
  store: SqliteStateStore;
  ctx: ActionContext;
  /** Epoch ms the handlers see as now; tests move it. */
  clock: { now: number };
  /** `${targetGroupArn} ${id}:${port}` → what the health checker would say. */
  health: Map<string, TargetHealth>;
  call(action: string, params?: Record<string, Param>): Promise<XmlObject>;
  /** Calls and expects AWS error `code` (message matching `message`), with the store unchanged. */
  fails(action: string, params: Record<string, Param>, code: string, message?: RegExp): Promise<AlbatrossError>;
  dump(): Promise<unknown>;
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'albatross-elbv2-'));
  const store = new SqliteStateStore(dir);
  test.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = { now: Date.UTC(2026, 0, 15, 12, 0, 0) };
  const health = new Map<string, TargetHealth>();
  let counter = 0;
  const ctx: ActionContext = {
    store,
    masterKey: undefined as unknown as MasterKey,
    arnContext: defaultArnContext,
    now: () => clock.now,
    randomHex: (bytes) => (++counter).toString(16).padStart(bytes * 2, '0'),
    health: { get: (tg, key) => health.get(`${tg} ${key}`) },
    requestId: 'req-1',
  };
  const actions = services.elasticloadbalancing.actions;

  async function call(action: string, params: Record<string, Param> = {}): Promise<XmlObject> {
    const handler = actions[action];
    assert.ok(handler, `no handler for ${action}`);
    const decoded = decodeQueryRequest('', `Action=${action}&Version=2015-12-01&${form(params)}`);
    const result = await handler(decoded, ctx);
    assert.ok(result !== undefined, `${action} returned no result element`);
    // Every result must render as XML (element names, values).
    renderResult(action, XML_NAMESPACES.elasticloadbalancing, result, 'req-1');
    return result;
  }

  async function dump(): Promise<unknown> {
    return store.transaction(async (tx) => {
      const tgs = await tx.listTargetGroups();
      const lbs = await tx.listLoadBalancers();
      const listeners = await tx.listListeners();
      const rules = await tx.listRules();
      const arns = [...tgs, ...lbs, ...listeners, ...rules].map((r) => r.arn);
      const tags: Record<string, unknown> = {};
      for (const a of arns) tags[a] = await tx.getTags(a);
      const targets: Record<string, unknown> = {};
      for (const tg of tgs) targets[tg.arn] = await tx.listTargets(tg.arn);
      return { version: await store.configVersion(), tgs, lbs, listeners, rules, tags, targets };
    });
  }

  async function fails(action: string, params: Record<string, Param>, code: string, message?: RegExp): Promise<AlbatrossError> {
    const before = await dump();
    let caught: unknown;
    try {
      await call(action, params);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof AlbatrossError, `${action} should fail with ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
    assert.equal(caught.code, code, `${action}: ${caught.message}`);
    if (message) assert.match(caught.message, message);
    assert.deepEqual(await dump(), before, `${action} failed with ${code} but changed the store`);
    return caught;
  }

  return { store, ctx, clock, health, call, fails, dump };
}

/** Reads a path of an XML result object: `get(r, 'TargetGroups', 0, 'TargetGroupArn')`. */
export function get(value: unknown, ...path: Array<string | number>): any {
  let v: any = value;
  for (const p of path) {
    assert.ok(v !== undefined && v !== null, `missing ${path.join('.')}`);
    v = v[p];
  }
  return v;
}

export const certArn = (name: string) => `arn:aws:iam::000000000000:server-certificate/${name}`;

/** Puts a server certificate and a security group straight into the store. */
export async function seedCertificateAndGroup(f: Fixture): Promise<void> {
  await f.store.transaction(async (tx) => {
    for (const name of ['site', 'other', 'third']) {
      await tx.putServerCertificate({
        certificate: {
          name,
          id: `ASCA${name.toUpperCase().padEnd(17, 'X')}`,
          arn: certArn(name),
          path: '/',
          uploadedAt: f.clock.now,
          expiresAt: f.clock.now + 365 * 86400_000,
          certificateBody: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
        },
        privateKeySealed: 'sealed',
      });
    }
    await tx.putSecurityGroup({
      groupId: 'sg-0123456789abcdef0',
      groupName: 'web',
      description: 'web',
      vpcId: 'vpc-local',
      ingress: [],
      egress: [],
      createdAt: f.clock.now,
    });
  });
}
