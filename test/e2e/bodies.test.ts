// Streaming bodies both ways: a 1 GiB upload and a 1 GiB download, generated on the fly, pass
// through Albatross (one worker) byte for byte, and the worker's memory stays flat: its resident
// set grows by far less than the bodies' size, so nothing is buffered whole.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, host, request } from '../helpers/net.ts';
import { startHttpTarget } from '../helpers/raw-targets.ts';
import { applyOk, config, removeTempDirs, startServer, tempDir, writeConfig } from '../helpers/albatross.ts';

after(removeTempDirs);

const GiB = 1024 * 1024 * 1024;
const chunk = Buffer.alloc(256 * 1024, 'albatross streams ');
const allowedGrowth = 300 * 1024 * 1024;

async function rssOf(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(text);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Samples the RSS of `pid` every 100 ms until stopped; returns the maximum seen. */
function sampleRss(pid: number): { stop: () => Promise<number> } {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      max = Math.max(max, await rssOf(pid));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return max;
    },
  };
}

/** Writes `total` bytes as the body of `req`, honouring backpressure. */
function writeBody(req: http.ClientRequest | http.ServerResponse, total: number): void {
  let left = total;
  const pump = (): void => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (left === 0) {
        req.end(piece);
        return;
      }
      if (!req.write(piece)) {
        req.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

test('bodies: 1 GiB up and 1 GiB down stream through with flat memory', async (t) => {
  const target = await startHttpTarget((req, res) => {
    if (req.url === '/status') return void res.end('OK');
    if (req.method === 'POST' && req.url === '/upload') {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => res.end(JSON.stringify({ bytes })));
      return;
    }
    const m = /^\/download\?bytes=(\d+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      const total = Number(m[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
      writeBody(res, total);
      return;
    }
    res.writeHead(404).end();
  });
  t.after(() => target.close());

  const dir = await tempDir();
  const dataDir = join(dir, 'data');
  const server = await startServer({ dataDir, workers: 1 });
  t.after(() => server.stop());
  const port = await freePort();
  await applyOk(
    await writeConfig(dir, 'bodies.yaml', config({ loadBalancer: 'bodies-alb', listeners: [{ port, targetGroup: 'bodies-tg' }], targetGroups: [{ name: 'bodies-tg', ports: [target.port] }] })),
    dataDir,
  );
  await server.waitForListener(port);
  const [worker] = await server.workerPids();
  assert.ok(worker, 'no worker process');

  // Warm up (pools, JIT), then take the baseline.
  for (let i = 0; i < 5; i++) assert.equal((await request(port, { method: 'POST', path: '/upload', body: chunk })).body, `{"bytes":${chunk.length}}`);
  const baseline = await rssOf(worker);

  // Upload: 1 GiB with a Content-Length, counted by the target.
  const upSampler = sampleRss(worker);
  const uploaded = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host, port, method: 'POST', path: '/upload', agent: false, headers: { 'content-length': String(GiB), 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`upload: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    writeBody(req, GiB);
  });
  const upMax = await upSampler.stop();
  assert.equal(uploaded, JSON.stringify({ bytes: GiB }));

  // Upload without a length (chunked), counted by the target.
  const chunked = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host, port, method: 'POST', path: '/upload', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    writeBody(req, 64 * 1024 * 1024 + 123);
  });
  assert.equal(chunked, JSON.stringify({ bytes: 64 * 1024 * 1024 + 123 }));

  // Download: 1 GiB generated by the target, counted by the client.
  const downSampler = sampleRss(worker);
  const downloaded = await new Promise<number>((resolve, reject) => {
    const req = http.get({ host, port, path: `/download?bytes=${GiB}`, agent: false }, (res) => {
      if (res.statusCode !== 200 || res.headers['content-length'] !== String(GiB)) {
        reject(new Error(`download: ${res.statusCode}, content-length ${res.headers['content-length']}`));
      }
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const downMax = await downSampler.stop();
  assert.equal(downloaded, GiB);

  const mb = (n: number): string => `${Math.round(n / 1024 / 1024)} MB`;
  t.diagnostic(`worker RSS: baseline ${mb(baseline)}, max during upload ${mb(upMax)}, during download ${mb(downMax)}`);
  assert.ok(upMax - baseline < allowedGrowth, `RSS grew by ${mb(upMax - baseline)} during the 1 GiB upload`);
  assert.ok(downMax - baseline < allowedGrowth, `RSS grew by ${mb(downMax - baseline)} during the 1 GiB download`);
  assert.deepEqual(await server.workerPids(), [worker], 'the worker was replaced during the transfers');
});
