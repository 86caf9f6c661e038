/** What an upstream connection reports to the request it carries (the proxy exchange). */

/**
 * How far a failed request got, which decides whether another target may safely get it:
 * connect — the target never saw it; sent — sent (or being sent) with no response byte back;
 * responding — part of the response already arrived.
 */
export type UpstreamPhase = 'connect' | 'sent' | 'responding';

export interface UpstreamHandler {
  /** Response head; return false when the client is gone (the connection is then dropped). */
  onUpstreamHead(status: number, statusMessage: string, headers: string[]): boolean;
  /** A body chunk; return false to pause the target until `resume()` on the connection. */
  onUpstreamData(chunk: Buffer): boolean;
  /**
   * The response is complete. `last` is its final body chunk when that arrived in the same read
   * (the usual case for small responses), so the client gets one write instead of two.
   */
  onUpstreamEnd(last: Buffer | null): void;
  /**
   * The exchange with the target failed. `reused` says the connection had served requests
   * before (the target may have closed it as we wrote).
   */
  onUpstreamError(code: string, phase: UpstreamPhase, reused: boolean): void;
}
