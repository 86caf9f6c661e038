/*
 * The upstream connection pool against a real target: a connection whose response ended while
 * its consumer was full (reading paused for backpressure) goes back to the pool reading again,
 * so the next request on it gets its answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { UpstreamPool, type UpstreamHandler, type UpstreamPhase } from '../../src/dataplane/upstream/index.ts';
import { closersAfterAll } from '../helpers/dataplane.ts';

const closers = closersAfterAll();

/** Collects one exchange; `fullOnce` makes the first body chunk report a full consumer (never resumed). */
function exchange(fullOnce: boolean): { handler: UpstreamHandler; done: Promise<string> } {
  let body = '';
  let full = fullOnce;
  let settle!: (v: string) => void;
  const done = new Promise<string>((r) => (settle = r));
  const handler: UpstreamHandler = {
    onUpstreamHead: () => true,
    onUpstreamData(chunk: Buffer): boolean {
      body += chunk.toString();
      if (!full) return true;
      full = false;
      return false;
    },
    onUpstreamEnd(last: Buffer | null): void {
      settle(`ok ${body}${last?.toString() ?? ''}`);
    },
    onUpstreamError(code: string, phase: UpstreamPhase): void {
      settle(`error ${code} ${phase}`);
    },
  };
  return { handler, done };
}

test('a connection released while paused for backpressure reads the next response', async () => {
  // The first response comes in one write of two chunks: the first chunk is delivered as data
  // (and reported full), the response ends with the second. The next request gets "next".
  const answers = [
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext',
  ];
  const target = net.createServer((socket) => {
    let n = 0;
    socket.on('data', () => socket.write(answers[Math.min(n++, answers.length - 1)]!));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => target.close(r)));
  const pool = new UpstreamPool('127.0.0.1', (target.address() as net.AddressInfo).port);
  closers.push(() => pool.close());

  const first = exchange(true);
  const c1 = pool.acquire();
  c1.send(first.handler, 'GET /a HTTP/1.1\r\nHost: t\r\n\r\n', false, null, false, null, 2000, 2000);
  assert.equal(await first.done, 'ok firstsecond');

  const second = exchange(false);
  const c2 = pool.acquire();
  assert.equal(c2, c1, 'the same keep-alive connection is reused');
  c2.send(second.handler, 'GET /b HTTP/1.1\r\nHost: t\r\n\r\n', false, null, false, null, 2000, 2000);
  assert.equal(await second.done, 'ok next');
});
