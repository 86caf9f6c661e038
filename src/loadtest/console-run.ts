/**
 * A load test as a command runs it: live output, Ctrl-C ends the run early (a second Ctrl-C
 * exits at once), then the report on stdout (text, or one JSON document) and the HTML file.
 */
import { writeFile } from 'node:fs/promises';
import { renderHtmlReport } from './html-report.ts';
import { LiveOutput } from './live-output.ts';
import type { LoadTestReport } from './report.ts';
import { startLoadTest, type LoadTestOptions } from './run-loadtest.ts';
import { formatEvent, formatHealthMark, formatReport } from './text-report.ts';

/** A load test's options plus where its report goes. */
export type ConsoleLoadTestOptions = Omit<LoadTestOptions, 'onProgress' | 'onHealthChange' | 'onWarning'> & {
  /** Print the report as one JSON document (and no progress line on stdout). */
  json: boolean;
  /** Write the HTML report here. */
  reportFile?: string;
};

/** What a caller can do while the run goes on. */
export interface RunControl {
  /** Notes an event on the report's timeline and prints it. */
  mark(text: string): void;
  /** Prints a line without putting it on the timeline. */
  say(text: string): void;
  elapsedMs(): number;
  /** Ends the run early, as Ctrl-C does. */
  stop(): void;
  /** Resolves when the run has ended (its duration, or Ctrl-C). */
  ended: Promise<void>;
}

/**
 * Runs the load test and prints its report. `during` starts with the run, for callers that act
 * on the targets meanwhile (the demo kills and restarts one); the report waits for its promise.
 */
export async function runLoadTestInConsole(opts: ConsoleLoadTestOptions, during?: (control: RunControl) => Promise<void>): Promise<LoadTestReport> {
  const live = new LiveOutput(opts.durationSeconds, process.stdout.isTTY === true && !opts.json);
  const { json, reportFile, ...loadOpts } = opts;
  const run = startLoadTest({
    ...loadOpts,
    onProgress: (p) => live.progress(p),
    onHealthChange: (m) => live.line(formatHealthMark(m)),
    onWarning: (text) => live.line(`warning: ${text}`),
  });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    live.line('stopping (Ctrl-C again to quit at once)');
    run.stop();
  };
  process.on('SIGINT', onSigint);
  const ended = run.done.then(
    () => undefined,
    () => undefined,
  );
  const control: RunControl = {
    mark: (text) => {
      run.mark(text);
      live.line(formatEvent({ atSeconds: Math.round(run.elapsedMs() / 100) / 10, text }));
    },
    say: (text) => live.line(text),
    elapsedMs: () => run.elapsedMs(),
    stop: () => run.stop(),
    ended,
  };
  try {
    const acting = during?.(control).catch((err: unknown) => {
      run.stop();
      throw err;
    });
    const [report] = await Promise.all([run.done, acting]);
    live.finish();
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (reportFile !== undefined) {
      await writeFile(reportFile, renderHtmlReport(report));
      process.stderr.write(`HTML report written to ${reportFile}\n`);
    }
    return report;
  } finally {
    live.finish();
    process.off('SIGINT', onSigint);
  }
}
