/*
 * Balancing algorithms through the data plane: with one slow target among two, least outstanding
 * requests sends it fewer requests than round robin does (counts, not timings: under the same
 * concurrent load round robin splits evenly, least outstanding avoids the target that is busy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { defaultAttributes, targetGroupAttributeSpecs } from '../../src/model/index.ts';
import { closersAfterAll, forward, listenerSnapshot, snapshot, startDataPlane, targetGroupSnapshot } from '../helpers/dataplane.ts';
import { freePort } from '../helpers/net.ts';

const closers = closersAfterAll();

async function target(name: string, delayMs: number): Promise<number> {
  const server = http.createServer((req, res) => setTimeout(() => res.end(name), delayMs));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return (server.address() as net.AddressInfo).port;
}


/** Sends `total` requests with `concurrency` clients; counts answers by target name. */
async function load(port: number, total: number, concurrency: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  closers.push(() => agent.destroy());
  let sent = 0;
  const client = async (): Promise<void> => {
    while (sent < total) {
      sent++;
      const name = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      counts[name] = (counts[name] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return counts;
}

async function listenerFor(algorithm: string, ports: number[]): Promise<number> {
  const listenPort = await freePort();
  const tg = targetGroupSnapshot(`arn:tg/${algorithm}`, ports, { ...defaultAttributes(targetGroupAttributeSpecs), 'load_balancing.algorithm.type': algorithm }, { name: algorithm });
  await startDataPlane(snapshot([tg], [listenerSnapshot({ port: listenPort, arn: `l-${algorithm}`, loadBalancerArn: 'arn:lb', defaultActions: forward(tg.arn) })]), closers);
  return listenPort;
}

test('least outstanding requests sends a slow target fewer requests than round robin', async () => {
  const fast = await target('fast', 0);
  // Far slower than any scheduling delay a loaded machine adds to the fast one.
  const slow = await target('slow', 150);
  const rr = await load(await listenerFor('round_robin', [fast, slow]), 200, 8);
  const lor = await load(await listenerFor('least_outstanding_requests', [fast, slow]), 200, 8);
  assert.ok(Math.abs((rr.fast ?? 0) - (rr.slow ?? 0)) <= 8, `round robin splits evenly: ${JSON.stringify(rr)}`);
  assert.ok((lor.slow ?? 0) < (rr.slow ?? 0) / 2, `least outstanding avoids the slow target: ${JSON.stringify(lor)} vs ${JSON.stringify(rr)}`);
});
