/**
 * What a load test prints while it runs. On a terminal: one progress line, redrawn every second,
 * with health changes and events printed above it. Otherwise (a CI log, a pipe): the progress
 * every 5 seconds and each health change or event as a line of its own, on stderr, so stdout
 * keeps only the report.
 */
import type { Progress } from './recorder.ts';
import { formatProgress } from './text-report.ts';

const clearLine = '\r\x1b[2K';
/** Progress cadence off a terminal. */
const lineEverySeconds = 5;

/** Prints a run's progress, changes and events as they happen (see the module comment). */
export class LiveOutput {
  readonly #durationSeconds: number;
  readonly #tty: boolean;
  readonly #out: NodeJS.WritableStream;
  readonly #err: NodeJS.WritableStream;
  #drawn = false;

  /** @param tty redraw a progress line on `out` (only when `out` is a terminal and carries no JSON). */
  constructor(durationSeconds: number, tty: boolean, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr) {
    this.#durationSeconds = durationSeconds;
    this.#tty = tty;
    this.#out = out;
    this.#err = err;
  }

  progress(p: Progress): void {
    if (this.#tty) {
      // A line that wrapped could not be redrawn in place.
      const columns = (this.#out as { columns?: number }).columns || 80;
      this.#out.write(`${clearLine}${formatProgress(p, this.#durationSeconds).slice(0, columns - 1)}`);
      this.#drawn = true;
    } else if (Math.round(p.elapsedSeconds) % lineEverySeconds === 0) {
      this.#err.write(`${formatProgress(p, this.#durationSeconds)}\n`);
    }
  }

  /** A line that stays: a health change, an event, a warning. */
  line(text: string): void {
    if (this.#tty) {
      this.#out.write(`${this.#drawn ? clearLine : ''}${text}\n`);
      this.#drawn = false;
    } else {
      this.#err.write(`${text}\n`);
    }
  }

  /** Removes the progress line before the report is printed. */
  finish(): void {
    if (this.#drawn) this.#out.write(clearLine);
    this.#drawn = false;
  }
}
