/** Waiting for something observable instead of sleeping. */

export interface PollOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Time between attempts (ms); default 200. */
  intervalMs?: number;
  /** What is awaited, for the error message ("target 1 to be unhealthy"). */
  what?: string;
  /** Extra context appended to the error on timeout (e.g. the last status, a process's output). */
  context?: () => string;
}

/** Thrown by a poll function to give up at once (e.g. the awaited process has exited). */
export class StopPolling extends Error {}

/**
 * Calls `fn` until it returns a truthy value (returned) or `timeoutMs` passes. A throw counts as
 * "not yet", except `StopPolling`, which fails at once. On timeout, throws an error naming what
 * was awaited, the last value or error, and the caller's context.
 */
export async function pollUntil<T>(fn: () => T | Promise<T>, opts: PollOptions): Promise<NonNullable<T>> {
  const interval = opts.intervalMs ?? 200;
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown = undefined;
  let lastWasError = false;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
      lastWasError = false;
    } catch (err) {
      if (err instanceof StopPolling) {
        throw new Error(`gave up waiting for ${opts.what ?? 'a condition'}: ${err.message}${opts.context ? `\n${opts.context()}` : ''}`);
      }
      last = err;
      lastWasError = true;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
  const lastText = lastWasError
    ? `last error: ${(last as Error)?.stack ?? String(last)}`
    : `last value: ${JSON.stringify(last)}`;
  const extra = opts.context ? `\n${opts.context()}` : '';
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what ?? 'a condition'}; ${lastText}${extra}`);
}

/** Resolves after `ms`; only for pacing a loop, never to wait for a state (use pollUntil). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
