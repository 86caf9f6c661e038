/**
 * The embedded store: one SQLite file in WAL mode. Each transaction is BEGIN IMMEDIATE … COMMIT,
 * so a crash (even `kill -9`) leaves either the state before or the state after, never a mix.
 * Other processes (the CLI's `apply`, a running `serve`) share the file; `watch` polls the config
 * version, which is one indexed row.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadBalancer, Listener, Rule, SecurityGroup, ServerCertificate, TargetGroup, Target, AccessKey } from '../../model/index.ts';
import type { StateStore, StoreTx, StoredAccessKey, StoredServerCertificate, TargetHealthRecord } from '../state-store.ts';
import { migrations } from './migrations.ts';

type Db = Database.Database;

export const storeFileName = 'albatross.db';

export class SqliteStateStore implements StateStore {
  readonly #db: Db;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #stmts: ReturnType<typeof prepare>;

  /** Opens (creating if needed) `<dataDir>/albatross.db` and brings its schema up to date. */
  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.#db = new Database(join(dataDir, storeFileName));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 10000');
    migrate(this.#db);
    this.#stmts = prepare(this.#db);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#runTransaction(fn));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #runTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const tx = new SqliteTx(this.#stmts);
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      if (tx.wrote) this.#stmts.bumpVersion.run();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  async configVersion(): Promise<number> {
    return Number((this.#stmts.getVersion.get() as { value: string }).value);
  }

  watch(onChange: (version: number) => void, intervalMs = 200): () => void {
    let last = -1;
    const tick = (): void => {
      let version: number;
      try {
        version = Number((this.#stmts.getVersion.get() as { value: string }).value);
      } catch {
        return; // busy under a long writer: the next tick sees it
      }
      if (version !== last) {
        last = version;
        onChange(version);
      }
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async saveTargetHealth(node: string, records: readonly TargetHealthRecord[]): Promise<void> {
    await this.#queue;
    this.#db.transaction(() => {
      this.#stmts.deleteHealthOfNode.run(node);
      for (const r of records) {
        this.#stmts.putHealth.run(r.targetGroupArn, r.id, r.port, node, JSON.stringify(r));
      }
    }).immediate();
  }

  async listTargetHealth(): Promise<TargetHealthRecord[]> {
    return (this.#stmts.listHealth.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TargetHealthRecord);
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#db.close();
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the store's schema version ${current} is newer than this Albatross knows (${migrations.length}); upgrade Albatross`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

function prepare(db: Db) {
  return {
    getVersion: db.prepare(`SELECT value FROM meta WHERE key = 'config_version'`),
    bumpVersion: db.prepare(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'config_version'`),
    listLbs: db.prepare(`SELECT body FROM load_balancers ORDER BY name`),
    getLb: db.prepare(`SELECT body FROM load_balancers WHERE arn = ?`),
    findLb: db.prepare(`SELECT body FROM load_balancers WHERE name = ?`),
    putLb: db.prepare(`INSERT INTO load_balancers (arn, name, body) VALUES (?, ?, ?)
      ON CONFLICT (arn) DO UPDATE SET name = excluded.name, body = excluded.body`),
    deleteLb: db.prepare(`DELETE FROM load_balancers WHERE arn = ?`),
    listListeners: db.prepare(`SELECT body FROM listeners ORDER BY load_balancer_arn, port`),
    listListenersOf: db.prepare(`SELECT body FROM listeners WHERE load_balancer_arn = ? ORDER BY port`),
    getListener: db.prepare(`SELECT body FROM listeners WHERE arn = ?`),
    putListener: db.prepare(`INSERT INTO listeners (arn, load_balancer_arn, port, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (arn) DO UPDATE SET port = excluded.port, body = excluded.body`),
    deleteListener: db.prepare(`DELETE FROM listeners WHERE arn = ?`),
    listTgs: db.prepare(`SELECT body FROM target_groups ORDER BY name`),
    getTg: db.prepare(`SELECT body FROM target_groups WHERE arn = ?`),
    findTg: db.prepare(`SELECT body FROM target_groups WHERE name = ?`),
    putTg: db.prepare(`INSERT INTO target_groups (arn, name, body) VALUES (?, ?, ?)
      ON CONFLICT (arn) DO UPDATE SET name = excluded.name, body = excluded.body`),
    deleteTg: db.prepare(`DELETE FROM target_groups WHERE arn = ?`),
    listTargets: db.prepare(`SELECT body FROM targets WHERE target_group_arn = ? ORDER BY id, port`),
    putTarget: db.prepare(`INSERT INTO targets (target_group_arn, id, port, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (target_group_arn, id, port) DO UPDATE SET body = excluded.body`),
    deleteTarget: db.prepare(`DELETE FROM targets WHERE target_group_arn = ? AND id = ? AND port = ?`),
    deleteHealthOfNode: db.prepare(`DELETE FROM target_health WHERE node = ?`),
    putHealth: db.prepare(`INSERT INTO target_health (target_group_arn, id, port, node, body) VALUES (?, ?, ?, ?, ?)`),
    listHealth: db.prepare(`SELECT body FROM target_health ORDER BY target_group_arn, id, port, node`),
    listRules: db.prepare(`SELECT body FROM rules ORDER BY listener_arn, priority`),
    listRulesOf: db.prepare(`SELECT body FROM rules WHERE listener_arn = ? ORDER BY priority`),
    getRule: db.prepare(`SELECT body FROM rules WHERE arn = ?`),
    putRule: db.prepare(`INSERT INTO rules (arn, listener_arn, priority, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (arn) DO UPDATE SET priority = excluded.priority, body = excluded.body`),
    deleteRule: db.prepare(`DELETE FROM rules WHERE arn = ?`),
    getTags: db.prepare(`SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key`),
    putTag: db.prepare(`INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?)
      ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`),
    removeTag: db.prepare(`DELETE FROM tags WHERE resource_arn = ? AND key = ?`),
    removeAllTags: db.prepare(`DELETE FROM tags WHERE resource_arn = ?`),
    listCerts: db.prepare(`SELECT body, private_key_sealed FROM server_certificates ORDER BY name`),
    getCert: db.prepare(`SELECT body, private_key_sealed FROM server_certificates WHERE name = ?`),
    findCertByArn: db.prepare(`SELECT body, private_key_sealed FROM server_certificates WHERE arn = ?`),
    putCert: db.prepare(`INSERT INTO server_certificates (name, arn, body, private_key_sealed) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET arn = excluded.arn, body = excluded.body, private_key_sealed = excluded.private_key_sealed`),
    deleteCert: db.prepare(`DELETE FROM server_certificates WHERE name = ?`),
    listSgs: db.prepare(`SELECT body FROM security_groups ORDER BY group_name`),
    getSg: db.prepare(`SELECT body FROM security_groups WHERE group_id = ?`),
    findSg: db.prepare(`SELECT body FROM security_groups WHERE group_name = ?`),
    putSg: db.prepare(`INSERT INTO security_groups (group_id, group_name, body) VALUES (?, ?, ?)
      ON CONFLICT (group_id) DO UPDATE SET group_name = excluded.group_name, body = excluded.body`),
    deleteSg: db.prepare(`DELETE FROM security_groups WHERE group_id = ?`),
    listKeys: db.prepare(`SELECT body, secret_sealed FROM access_keys ORDER BY access_key_id`),
    getKey: db.prepare(`SELECT body, secret_sealed FROM access_keys WHERE access_key_id = ?`),
    putKey: db.prepare(`INSERT INTO access_keys (access_key_id, body, secret_sealed) VALUES (?, ?, ?)
      ON CONFLICT (access_key_id) DO UPDATE SET body = excluded.body, secret_sealed = excluded.secret_sealed`),
    deleteKey: db.prepare(`DELETE FROM access_keys WHERE access_key_id = ?`),
    getMeta: db.prepare(`SELECT value FROM meta WHERE key = ?`),
    setMeta: db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
  };
}

type Row = { body: string } | undefined;

function one<T>(row: unknown): T | undefined {
  return row ? (JSON.parse((row as { body: string }).body) as T) : undefined;
}

function all<T>(rows: unknown[]): T[] {
  return rows.map((r) => JSON.parse((r as { body: string }).body) as T);
}

class SqliteTx implements StoreTx {
  wrote = false;
  readonly #s: ReturnType<typeof prepare>;

  constructor(stmts: ReturnType<typeof prepare>) {
    this.#s = stmts;
  }

  async listLoadBalancers(): Promise<LoadBalancer[]> {
    return all(this.#s.listLbs.all());
  }
  async getLoadBalancer(arn: string): Promise<LoadBalancer | undefined> {
    return one(this.#s.getLb.get(arn) as Row);
  }
  async findLoadBalancerByName(name: string): Promise<LoadBalancer | undefined> {
    return one(this.#s.findLb.get(name) as Row);
  }
  async putLoadBalancer(lb: LoadBalancer): Promise<void> {
    this.wrote = true;
    this.#s.putLb.run(lb.arn, lb.name, JSON.stringify(lb));
  }
  async deleteLoadBalancer(arn: string): Promise<void> {
    this.wrote = true;
    for (const l of all<Listener>(this.#s.listListenersOf.all(arn))) await this.deleteListener(l.arn);
    this.#s.removeAllTags.run(arn);
    this.#s.deleteLb.run(arn);
  }
  async listListeners(loadBalancerArn?: string): Promise<Listener[]> {
    return all(loadBalancerArn === undefined ? this.#s.listListeners.all() : this.#s.listListenersOf.all(loadBalancerArn));
  }
  async getListener(arn: string): Promise<Listener | undefined> {
    return one(this.#s.getListener.get(arn) as Row);
  }
  async putListener(l: Listener): Promise<void> {
    this.wrote = true;
    this.#s.putListener.run(l.arn, l.loadBalancerArn, l.port, JSON.stringify(l));
  }
  async deleteListener(arn: string): Promise<void> {
    this.wrote = true;
    for (const r of all<Rule>(this.#s.listRulesOf.all(arn))) this.#s.removeAllTags.run(r.arn);
    this.#s.removeAllTags.run(arn);
    this.#s.deleteListener.run(arn);
  }
  async listTargetGroups(): Promise<TargetGroup[]> {
    return all(this.#s.listTgs.all());
  }
  async getTargetGroup(arn: string): Promise<TargetGroup | undefined> {
    return one(this.#s.getTg.get(arn) as Row);
  }
  async findTargetGroupByName(name: string): Promise<TargetGroup | undefined> {
    return one(this.#s.findTg.get(name) as Row);
  }
  async putTargetGroup(tg: TargetGroup): Promise<void> {
    this.wrote = true;
    this.#s.putTg.run(tg.arn, tg.name, JSON.stringify(tg));
  }
  async deleteTargetGroup(arn: string): Promise<void> {
    this.wrote = true;
    this.#s.removeAllTags.run(arn);
    this.#s.deleteTg.run(arn);
  }
  async listTargets(targetGroupArn: string): Promise<Target[]> {
    return all(this.#s.listTargets.all(targetGroupArn));
  }
  async putTarget(targetGroupArn: string, t: Target): Promise<void> {
    this.wrote = true;
    this.#s.putTarget.run(targetGroupArn, t.id, t.port, JSON.stringify(t));
  }
  async deleteTarget(targetGroupArn: string, id: string, port: number): Promise<void> {
    this.wrote = true;
    this.#s.deleteTarget.run(targetGroupArn, id, port);
  }

  async listRules(listenerArn?: string): Promise<Rule[]> {
    return all(listenerArn === undefined ? this.#s.listRules.all() : this.#s.listRulesOf.all(listenerArn));
  }
  async getRule(arn: string): Promise<Rule | undefined> {
    return one(this.#s.getRule.get(arn) as Row);
  }
  async putRule(r: Rule): Promise<void> {
    this.wrote = true;
    this.#s.putRule.run(r.arn, r.listenerArn, r.priority, JSON.stringify(r));
  }
  async deleteRule(arn: string): Promise<void> {
    this.wrote = true;
    this.#s.removeAllTags.run(arn);
    this.#s.deleteRule.run(arn);
  }

  async getTags(resourceArn: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of this.#s.getTags.all(resourceArn) as Array<{ key: string; value: string }>) out[r.key] = r.value;
    return out;
  }
  async putTags(resourceArn: string, tags: Record<string, string>): Promise<void> {
    this.wrote = true;
    for (const [k, v] of Object.entries(tags)) this.#s.putTag.run(resourceArn, k, v);
  }
  async removeTags(resourceArn: string, keys: readonly string[]): Promise<void> {
    this.wrote = true;
    for (const k of keys) this.#s.removeTag.run(resourceArn, k);
  }

  async listServerCertificates(): Promise<StoredServerCertificate[]> {
    return (this.#s.listCerts.all() as SealedRow[]).map(storedCert);
  }
  async getServerCertificate(name: string): Promise<StoredServerCertificate | undefined> {
    const row = this.#s.getCert.get(name) as SealedRow | undefined;
    return row ? storedCert(row) : undefined;
  }
  async findServerCertificateByArn(arn: string): Promise<StoredServerCertificate | undefined> {
    const row = this.#s.findCertByArn.get(arn) as SealedRow | undefined;
    return row ? storedCert(row) : undefined;
  }
  async putServerCertificate(c: StoredServerCertificate): Promise<void> {
    this.wrote = true;
    this.#s.putCert.run(c.certificate.name, c.certificate.arn, JSON.stringify(c.certificate), c.privateKeySealed);
  }
  async deleteServerCertificate(name: string): Promise<void> {
    this.wrote = true;
    this.#s.deleteCert.run(name);
  }

  async listSecurityGroups(): Promise<SecurityGroup[]> {
    return all(this.#s.listSgs.all());
  }
  async getSecurityGroup(groupId: string): Promise<SecurityGroup | undefined> {
    return one(this.#s.getSg.get(groupId) as Row);
  }
  async findSecurityGroupByName(groupName: string): Promise<SecurityGroup | undefined> {
    return one(this.#s.findSg.get(groupName) as Row);
  }
  async putSecurityGroup(g: SecurityGroup): Promise<void> {
    this.wrote = true;
    this.#s.putSg.run(g.groupId, g.groupName, JSON.stringify(g));
  }
  async deleteSecurityGroup(groupId: string): Promise<void> {
    this.wrote = true;
    this.#s.deleteSg.run(groupId);
  }

  async listAccessKeys(): Promise<StoredAccessKey[]> {
    return (this.#s.listKeys.all() as KeyRow[]).map(storedKey);
  }
  async getAccessKey(accessKeyId: string): Promise<StoredAccessKey | undefined> {
    const row = this.#s.getKey.get(accessKeyId) as KeyRow | undefined;
    return row ? storedKey(row) : undefined;
  }
  async putAccessKey(k: StoredAccessKey): Promise<void> {
    this.wrote = true;
    this.#s.putKey.run(k.key.accessKeyId, JSON.stringify(k.key), k.secretSealed);
  }
  async deleteAccessKey(accessKeyId: string): Promise<void> {
    this.wrote = true;
    this.#s.deleteKey.run(accessKeyId);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (this.#s.getMeta.get(key) as { value: string } | undefined)?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.wrote = true;
    this.#s.setMeta.run(key, value);
  }
}

type SealedRow = { body: string; private_key_sealed: string };
type KeyRow = { body: string; secret_sealed: string };

function storedCert(row: SealedRow): StoredServerCertificate {
  return { certificate: JSON.parse(row.body) as ServerCertificate, privateKeySealed: row.private_key_sealed };
}

function storedKey(row: KeyRow): StoredAccessKey {
  return { key: JSON.parse(row.body) as AccessKey, secretSealed: row.secret_sealed };
}
