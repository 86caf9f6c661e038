/*
 * The API request handler in-process on a node:http server, with a real SqliteStateStore and
 * access keys sealed under a master key: a signed call runs and answers AWS's XML; oversized
 * bodies, unknown actions and versions, unsigned, wrongly signed, unknown-key and expired
 * requests get AWS's code and status, and leave every table of the store exactly as it was.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteStateStore, storeFileName } from '../../src/store/sqlite/sqlite-state-store.ts';
import { MasterKey, verifyMasterKey } from '../../src/secrets/master-key.ts';
import { ApiServer } from '../../src/controlplane/api/api-server.ts';
import { createAccessKey, deleteAccessKey, accessKeyPurpose } from '../../src/controlplane/access-keys.ts';
import type { ApiService } from '../../src/controlplane/api/action.ts';
import { services as realServices } from '../../src/controlplane/api/actions/index.ts';
import { XML_NAMESPACES } from '../../src/controlplane/api/xml.ts';
import { MAX_QUERY_BODY_BYTES } from '../../src/controlplane/api/query-protocol.ts';
import { AlbatrossError, defaultArnContext } from '../../src/model/index.ts';
import { randomHex } from '../../src/lib/ids.ts';
import { signSigV4, type SigningCredentials } from '../../src/controlplane/api/sigv4.ts';
import { queryRequest, type QueryRequestOptions, type QueryResponse } from '../helpers/albatross-api.ts';
import { rawExchange, parseRawResponse } from '../helpers/net.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A small service table: one action that writes the store, one that fails each way. */
function fakeServices(): Record<string, ApiService> {
  const actions: ApiService['actions'] = {
    CreateThing: async (p, ctx) => {
      const name = typeof p.Name === 'string' ? p.Name : '';
      if (name === '') throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Name');
      await ctx.store.transaction((tx) => tx.setMeta(`thing:${name}`, ctx.requestId));
      return { Thing: { Name: name, Params: Object.keys(p).join(',') } };
    },
    DeleteThing: async () => undefined,
    FailThing: async (_p, ctx) =>
      ctx.store.transaction(async (tx) => {
        await tx.setMeta('thing:half-written', 'x');
        throw new AlbatrossError('TargetGroupNotFound', 'One or more target groups not found');
      }),
    CrashThing: async (_p, ctx) =>
      ctx.store.transaction(async (tx) => {
        await tx.setMeta('thing:crash', 'x');
        throw new TypeError('cannot read properties of undefined');
      }),
  };
  return {
    elasticloadbalancing: { ...realServices.elasticloadbalancing, actions },
    iam: { ...realServices.iam, actions },
    ec2: { ...realServices.ec2, actions },
  };
}

let dir: string;
let store: SqliteStateStore;
let masterKey: MasterKey;
let reader: Database.Database;
let server: Server;
let port: number;
let creds: SigningCredentials;
const logged: string[] = [];

/** Every row of every table but the health records, as text. */
function dump(): string {
  const tables = reader.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>;
  return JSON.stringify(tables.map(({ name }) => [name, reader.prepare(`SELECT * FROM "${name}"`).all()]));
}

async function startHandler(api: ApiServer): Promise<{ server: Server; port: number }> {
  const s = createServer(api.handle);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { server: s, port: (s.address() as AddressInfo).port };
}

function call(opts: QueryRequestOptions & { credentials?: SigningCredentials | null } = {}, p = port): Promise<QueryResponse> {
  return queryRequest(p, opts.credentials === undefined ? creds : opts.credentials, opts);
}

/** Runs `send` and asserts the response is the AWS error `code`/`status` and the store did not change. */
async function refused(send: () => Promise<QueryResponse>, code: string, status: number, message?: RegExp): Promise<QueryResponse> {
  const before = dump();
  const res = await send();
  assert.equal(res.status, status, res.body);
  assert.equal(res.code, code, res.body);
  if (message) assert.match(res.body, message);
  assert.match(String(res.headers['x-amzn-requestid']), UUID);
  assert.equal(res.requestId, res.headers['x-amzn-requestid']);
  assert.equal(dump(), before, 'the store changed');
  return res;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'albatross-api-server-'));
  store = new SqliteStateStore(dir);
  masterKey = new MasterKey(randomBytes(32));
  await store.transaction((tx) => verifyMasterKey(masterKey, tx));
  const created = await createAccessKey(store, masterKey, 'test');
  creds = { accessKeyId: created.key.accessKeyId, secretAccessKey: created.secretAccessKey };
  reader = new Database(join(dir, storeFileName), { readonly: true });
  const api = new ApiServer({
    store,
    masterKey,
    arnContext: defaultArnContext,
    health: { get: () => undefined },
    randomHex,
    services: fakeServices(),
    log: (line) => logged.push(line),
  });
  ({ server, port } = await startHandler(api));
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  reader.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a signed call', () => {
  test('runs the action and answers its XML with a fresh RequestId in the body and x-amzn-RequestId', async () => {
    const res = await call({ body: 'Action=CreateThing&Version=2015-12-01&Name=one' });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'text/xml');
    assert.match(String(res.headers['x-amzn-requestid']), UUID);
    assert.equal(
      res.body,
      `<CreateThingResponse xmlns="${XML_NAMESPACES.elasticloadbalancing}"><CreateThingResult><Thing><Name>one</Name><Params>Name</Params></Thing></CreateThingResult>` +
        `<ResponseMetadata><RequestId>${res.headers['x-amzn-requestid']}</RequestId></ResponseMetadata></CreateThingResponse>`,
    );
    // The action saw its own parameters only, and the RequestId of its response.
    assert.equal(await store.transaction((tx) => tx.getMeta('thing:one')), res.headers['x-amzn-requestid']);
    const again = await call({ body: 'Action=CreateThing&Version=2015-12-01&Name=two' });
    assert.notEqual(again.requestId, res.requestId);
  });

  test('GET /?Action=... works as POST does', async () => {
    const res = await call({ method: 'GET', query: 'Action=CreateThing&Version=2015-12-01&Name=by-get' });
    assert.equal(res.status, 200, res.body);
    assert.equal(await store.transaction((tx) => tx.getMeta('thing:by-get')), res.requestId);
  });

  test('iam answers in its namespace; an action without result has no Result element', async () => {
    const res = await call({ service: 'iam', body: 'Action=DeleteThing&Version=2010-05-08' });
    assert.equal(res.status, 200, res.body);
    assert.equal(
      res.body,
      `<DeleteThingResponse xmlns="${XML_NAMESPACES.iam}"><ResponseMetadata><RequestId>${res.requestId}</RequestId></ResponseMetadata></DeleteThingResponse>`,
    );
  });

  test('ec2 answers in its envelope', async () => {
    const res = await call({ service: 'ec2', body: 'Action=CreateThing&Version=2016-11-15&Name=sg' });
    assert.equal(res.status, 200, res.body);
    assert.match(res.body, new RegExp(`^<\\?xml[^>]*\\?>\\n<CreateThingResponse xmlns="${XML_NAMESPACES.ec2}"><requestId>${res.requestId}</requestId><Thing>`));
  });

  test('a key created while serving works at once; a deleted one is refused at once', async () => {
    const k = await createAccessKey(store, masterKey, 'later');
    const other = { accessKeyId: k.key.accessKeyId, secretAccessKey: k.secretAccessKey };
    assert.equal((await call({ credentials: other, body: 'Action=DeleteThing&Version=2015-12-01' })).status, 200);
    await deleteAccessKey(store, k.key.accessKeyId);
    await refused(() => call({ credentials: other, body: 'Action=CreateThing&Version=2015-12-01&Name=x' }), 'InvalidClientTokenId', 403);
  });
});

describe('authentication comes first', () => {
  const body = 'Action=CreateThing&Version=2015-12-01&Name=intruder';

  test('unsigned → MissingAuthenticationToken 403', async () => {
    await refused(() => call({ credentials: null, body }), 'MissingAuthenticationToken', 403);
    await refused(() => call({ credentials: null, method: 'GET', query: body }), 'MissingAuthenticationToken', 403);
  });

  test('wrong secret → SignatureDoesNotMatch 403', async () => {
    await refused(() => call({ credentials: { ...creds, secretAccessKey: creds.secretAccessKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, body }), 'SignatureDoesNotMatch', 403);
  });

  test('a body changed after signing → SignatureDoesNotMatch 403', async () => {
    await refused(async () => {
      const headers = signSigV4(
        { method: 'POST', path: '/', query: '', headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DeleteThing&Version=2015-12-01' },
        creds,
        { region: 'local', service: 'elasticloadbalancing', nowMs: Date.now() },
      );
      return call({ credentials: null, headers, body });
    }, 'SignatureDoesNotMatch', 403);
  });

  test('unknown access key → InvalidClientTokenId 403', async () => {
    await refused(() => call({ credentials: { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: creds.secretAccessKey }, body }), 'InvalidClientTokenId', 403);
  });

  test('signed 20 minutes ago, or 20 minutes ahead → RequestExpired 400', async () => {
    await refused(() => call({ nowMs: Date.now() - 20 * 60_000, body }), 'RequestExpired', 400, /Signature expired/);
    await refused(() => call({ nowMs: Date.now() + 20 * 60_000, body }), 'RequestExpired', 400, /not yet current/);
  });

  test('a credential scoped to a service this endpoint does not answer → SignatureDoesNotMatch naming it', async () => {
    await refused(() => call({ service: 's3', body }), 'SignatureDoesNotMatch', 403, /not &apos;s3&apos;/);
  });

  test('a key sealed under another master key is refused, with a warning', async () => {
    const id = 'AKIAOTHERMASTERKEY00';
    const secret = 'x'.repeat(40);
    await store.transaction((tx) =>
      tx.putAccessKey({ key: { accessKeyId: id, name: 'foreign', createdAt: Date.now(), status: 'Active' }, secretSealed: new MasterKey(randomBytes(32)).seal(secret, accessKeyPurpose(id)) }),
    );
    await refused(() => call({ credentials: { accessKeyId: id, secretAccessKey: secret }, body }), 'InvalidClientTokenId', 403);
    assert.ok(logged.some((l) => l.includes(id) && l.includes('cannot be opened')), logged.join('\n'));
    await store.transaction((tx) => tx.deleteAccessKey(id));
  });

  test('an inactive key is refused', async () => {
    const k = await createAccessKey(store, masterKey, 'inactive');
    await store.transaction(async (tx) => {
      const stored = (await tx.getAccessKey(k.key.accessKeyId))!;
      await tx.putAccessKey({ ...stored, key: { ...stored.key, status: 'Inactive' } });
    });
    await refused(() => call({ credentials: { accessKeyId: k.key.accessKeyId, secretAccessKey: k.secretAccessKey }, body }), 'InvalidClientTokenId', 403);
  });
});

describe('the request itself', () => {
  test('an unknown action → InvalidAction 400 (elasticloadbalancing, iam: "Could not find operation")', async () => {
    await refused(() => call({ body: 'Action=LaunchRockets&Version=2015-12-01' }), 'InvalidAction', 400, /Could not find operation LaunchRockets for version 2015-12-01/);
    const iam = await refused(() => call({ service: 'iam', body: 'Action=LaunchRockets&Version=2010-05-08' }), 'InvalidAction', 400);
    assert.match(iam.body, new RegExp(`^<ErrorResponse xmlns="${XML_NAMESPACES.iam}"><Error><Type>Sender</Type>`));
    // Inherited object properties are not actions.
    await refused(() => call({ body: 'Action=constructor&Version=2015-12-01' }), 'InvalidAction', 400);
    await refused(() => call({ body: 'Action=toString&Version=2015-12-01' }), 'InvalidAction', 400);
  });

  test('ec2: an unknown action → InvalidAction in EC2\'s error shape', async () => {
    const res = await refused(() => call({ service: 'ec2', body: 'Action=LaunchRockets&Version=2016-11-15' }), 'InvalidAction', 400, /The action LaunchRockets is not valid for this web service/);
    assert.match(res.body, /^<\?xml[^>]*\?>\n<Response><Errors><Error><Code>InvalidAction<\/Code>/);
    assert.match(res.body, /<RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  test('no Action → MissingAction 400', async () => {
    await refused(() => call({ body: 'Version=2015-12-01&Name=x' }), 'MissingAction', 400);
  });

  test('a missing or other Version → InvalidAction naming it (ec2: MissingParameter / InvalidParameterValue)', async () => {
    await refused(() => call({ body: 'Action=CreateThing&Name=x' }), 'InvalidAction', 400, /Could not find operation CreateThing for version NO_VERSION_SPECIFIED/);
    await refused(() => call({ body: 'Action=CreateThing&Version=2012-06-01&Name=x' }), 'InvalidAction', 400, /for version 2012-06-01/);
    await refused(() => call({ service: 'iam', body: 'Action=CreateThing&Version=2015-12-01&Name=x' }), 'InvalidAction', 400, /for version 2015-12-01/);
    await refused(() => call({ service: 'ec2', body: 'Action=CreateThing&Name=x' }), 'MissingParameter', 400, /Version/);
    await refused(() => call({ service: 'ec2', body: 'Action=CreateThing&Version=2014-10-01&Name=x' }), 'InvalidParameterValue', 400, /2014-10-01/);
  });

  test('malformed parameters → ValidationError 400', async () => {
    await refused(() => call({ body: 'Action=CreateThing&Version=2015-12-01&Name=%ZZ' }), 'ValidationError', 400, /percent-encoding/);
    await refused(() => call({ body: 'Action=CreateThing&Version=2015-12-01&Name=a&Name=b' }), 'ValidationError', 400, /more than once/);
  });

  test('a body that is not form-encoded → ValidationError 400', async () => {
    await refused(() => call({ body: '{"Action":"CreateThing"}', headers: { 'content-type': 'application/json' } }), 'ValidationError', 400, /x-www-form-urlencoded/);
  });

  test("the action's AlbatrossError → its code and status; its half-written transaction is rolled back", async () => {
    await refused(() => call({ body: 'Action=FailThing&Version=2015-12-01' }), 'TargetGroupNotFound', 400, /One or more target groups not found/);
    await refused(() => call({ body: 'Action=CreateThing&Version=2015-12-01' }), 'MissingParameter', 400, /Name/);
  });

  test('any other exception → InternalFailure 500, logged, and the server carries on', async () => {
    const res = await refused(() => call({ body: 'Action=CrashThing&Version=2015-12-01' }), 'InternalFailure', 500);
    assert.match(res.body, /<Type>Receiver<\/Type>/);
    assert.doesNotMatch(res.body, /cannot read properties/, 'internal details must not reach the client');
    assert.ok(logged.some((l) => l.includes('CrashThing') && l.includes(res.requestId!) && l.includes('TypeError')), logged.join('\n'));
    assert.equal((await call({ body: 'Action=DeleteThing&Version=2015-12-01' })).status, 200);
  });

  test('a method other than GET and POST → 405', async () => {
    await refused(() => call({ credentials: null, method: 'PUT' as 'POST', body: '' }), 'InvalidAction', 405);
  });
});

describe('the body limit', () => {
  test(`a Content-Length over ${MAX_QUERY_BODY_BYTES} bytes → RequestEntityTooLarge 413 before any of it is read; the connection closes`, async () => {
    const before = dump();
    const head =
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `Content-Length: ${MAX_QUERY_BODY_BYTES + 1}\r\n\r\nAction=CreateThing&Version=2015-12-01&Name=big&Pad=`;
    const ex = await rawExchange(port, head, 10_000);
    assert.equal(ex.closedByServer, true, 'the server must close the connection');
    const res = parseRawResponse(ex.text);
    assert.equal(res.status, 413);
    assert.match(res.headers, /\r\nconnection: close/i);
    assert.match(res.headers, /\r\nx-amzn-RequestId: [0-9a-f-]{36}/i);
    assert.match(res.body, /<Code>RequestEntityTooLarge<\/Code>/);
    assert.equal(dump(), before);
  });

  test('a chunked body that grows past the limit → 413 and the connection closes', async () => {
    const before = dump();
    const chunk = 'a'.repeat(64 * 1024);
    let raw = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const first = 'Action=CreateThing&Version=2015-12-01&Name=big&Pad=';
    raw += `${first.length.toString(16)}\r\n${first}\r\n`;
    for (let sent = 0; sent <= MAX_QUERY_BODY_BYTES; sent += chunk.length) raw += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const ex = await rawExchange(port, raw, 10_000);
    assert.equal(ex.closedByServer, true);
    const res = parseRawResponse(ex.text);
    assert.equal(res.status, 413);
    assert.match(res.body, /<Code>RequestEntityTooLarge<\/Code>/);
    assert.equal(dump(), before);
  });

  test('a body of exactly the limit is read (and then refused for what it says, not for its size)', async () => {
    const prefix = 'Action=CreateThing&Version=2015-12-01&Name=x&Pad=';
    const body = prefix + 'a'.repeat(MAX_QUERY_BODY_BYTES - prefix.length);
    await refused(() => call({ credentials: null, body }), 'MissingAuthenticationToken', 403);
  });
});

describe('the real service table', () => {
  let real: { server: Server; port: number };
  before(async () => {
    real = await startHandler(new ApiServer({ store, masterKey, arnContext: defaultArnContext, health: { get: () => undefined }, randomHex, log: (l) => logged.push(l) }));
  });
  after(() => new Promise<void>((resolve) => real.server.close(() => resolve())));

  test('each service answers an unknown action with InvalidAction in its own shape', async () => {
    for (const [service, version] of [['elasticloadbalancing', '2015-12-01'], ['iam', '2010-05-08'], ['ec2', '2016-11-15']] as const) {
      const res = await refused(() => call({ service, body: `Action=NoSuchAction&Version=${version}` }, real.port), 'InvalidAction', 400);
      if (service === 'ec2') assert.match(res.body, /<Response><Errors>/);
      else assert.match(res.body, new RegExp(`<ErrorResponse xmlns="${XML_NAMESPACES[service]}">`));
    }
  });
});
