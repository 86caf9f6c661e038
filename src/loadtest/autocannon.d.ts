/**
 * The part of autocannon 9 (which ships no types) that `run-loadtest.ts` uses. `Client` fields
 * `conn` and `pipelinedRequests` are internals, read to tell a dropped connection from a
 * timeout and to repair autocannon's request queue after a reconnect.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface ResponseHead {
      statusCode: number;
      /** Raw headers: name, value, name, value... */
      headers: string[];
    }

    /** One connection's client; events are emitted synchronously from its socket handlers. */
    interface Client extends EventEmitter {
      /** The current socket; replaced on every reconnect. */
      conn: object;
      pipelinedRequests: { clear(): void; size(): number };
      on(event: 'request', listener: () => void): this;
      on(event: 'headers', listener: (head: ResponseHead) => void): this;
      on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): this;
      on(event: 'connError', listener: (err: NodeJS.ErrnoException) => void): this;
      on(event: 'timeout', listener: () => void): this;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second over all connections; 0 = as fast as possible. */
      overallRate?: number;
      method?: string;
      body?: string;
      headers?: Record<string, string>;
      /** Seconds without a response before the request counts as timed out. */
      timeout?: number;
      pipelining?: number;
      setupClient?: (client: Client) => void;
    }

    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      requests: { sent: number; total: number };
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
      on(event: 'start', listener: () => void): this;
      on(event: 'tick', listener: () => void): this;
      on(event: 'done', listener: (result: Result) => void): this;
      on(event: 'error', listener: (err: Error) => void): this;
    }
  }

  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
