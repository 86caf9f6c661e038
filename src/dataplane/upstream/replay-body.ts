/**
 * A request body kept as it streams to the target, so that the request can be sent again to
 * another target when the first one failed before any response byte. The chunks are the ones
 * the client's stream gave (no copy); past `limit` bytes they are dropped and the request is no
 * longer replayable. Only small bodies of idempotent requests get one.
 */
export class ReplayBody {
  readonly limit: number;
  chunks: Buffer[] = [];
  bytes = 0;
  /** More than `limit` bytes came: the kept bytes were released, the request cannot be replayed. */
  overflow = false;
  /** The client's body ended: `chunks` hold all of it. */
  ended = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  keep(chunk: Buffer): void {
    if (this.overflow) return;
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.overflow = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }
}
