/**
 * Misbehaving and instrumented targets that live in the test process: raw TCP servers that reset,
 * answer garbage or never answer, and node:http servers the tests can count and steer.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { host } from './net.ts';
import { pollUntil, StopPolling } from './poll.ts';
import { spawnTracked, stopProcess } from './processes.ts';

export interface RawTarget {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** `reset`: RST as soon as request bytes arrive; `garbage`: bytes that are not HTTP; `silent`: accept, read, never answer. */
export type Misbehaviour = 'reset' | 'garbage' | 'silent';

export async function startRawTarget(kind: Misbehaviour): Promise<RawTarget> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    target.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (kind === 'reset') socket.resetAndDestroy();
      else if (kind === 'garbage') socket.end('\x00\x01\x02 this is not HTTP at all \xff\r\n\r\n', 'latin1');
      // silent: keep reading, never write
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const target: RawTarget = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return target;
}

export interface HttpTarget {
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** A node:http target on 127.0.0.1 with the given handler. */
export async function startHttpTarget(handler: http.RequestListener): Promise<HttpTarget> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A target whose connections never complete: a socket that listens with a backlog of 0 and
 * never accepts, its only accept-queue slot taken by a connection of its own, so the kernel drops
 * every further SYN and a connect hangs until the client gives up. (Node always accepts, so this
 * one is a small Python process.)
 */
export async function startBlackholeTarget(): Promise<{ port: number; close(): Promise<void> }> {
  const code = [
    'import socket, sys',
    's = socket.socket()',
    's.bind(("127.0.0.1", 0))',
    's.listen(0)',
    'c = socket.create_connection(s.getsockname())',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawnTracked('/usr/bin/python3', ['-c', code], { stdio: ['pipe', 'pipe', 'pipe'], background: true });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await pollUntil(
    () => {
      if (child.exitCode !== null) throw new StopPolling(`exited with ${child.exitCode}`);
      const m = /^(\d+)\n/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 50, what: 'the black-hole target to listen' },
  );
  return { port, close: () => stopProcess(child, 'SIGKILL', 0) };
}
