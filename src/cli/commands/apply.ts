/**
 * `albatross apply -f albatross.yaml [--dry-run] [--prune]`: make the store match a declarative
 * file, printing one line per change. Exit codes: 0 applied (or nothing to do), 1 the file (or
 * the store) has problems and nothing was changed, 2 usage.
 */
import type { Command } from 'commander';
import { AlbatrossError } from '../../model/index.ts';
import { SqliteStateStore } from '../../store/sqlite/sqlite-state-store.ts';
import { readConfigFile } from '../../config/config-file.ts';
import { applyConfig, readKnownResources, type Change } from '../../config/apply-config.ts';
import { addDataDirOption } from '../options.ts';

/** The parsed options of `albatross apply`. */
export interface ApplyCommandOptions {
  file: string;
  dryRun?: boolean;
  prune?: boolean;
  dataDir: string;
}

/** Where the command writes; injectable so tests can read what it printed. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Adds `apply -f <file> [--dry-run] [--prune] [--data-dir <dir>]` to the program. */
export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .description('create, change and remove target groups, targets, load balancers and listeners to match a YAML or JSON file')
    .requiredOption('-f, --file <file>', 'the configuration file (YAML or JSON)')
    .option('--dry-run', 'print what would change, and change nothing')
    .option('--prune', 'also remove target groups and load balancers that are not in the file');
  addDataDirOption(cmd);
  // Usage errors (a missing -f, an unknown option) exit 2, apart from a bad file's 1.
  cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  cmd.action(async (opts: ApplyCommandOptions) => {
    const code = await runApply(opts);
    // A host name lookup that timed out cannot be cancelled and would hold the process open.
    if (code !== 0) process.exit(code);
  });
}

/** Runs `apply`; returns the exit code. */
export async function runApply(opts: ApplyCommandOptions, output: Output = processOutput): Promise<number> {
  let store: SqliteStateStore | undefined;
  try {
    store = new SqliteStateStore(opts.dataDir);
    const prune = opts.prune ?? false;
    const desired = await readConfigFile(opts.file, { existing: await readKnownResources(store), prune });
    const changes = await applyConfig(store, desired, { dryRun: opts.dryRun ?? false, prune });
    if (changes.length === 0) output.out('no changes');
    for (const change of changes) output.out(formatChange(change, opts.dryRun ?? false));
    return 0;
  } catch (err) {
    if (err instanceof AlbatrossError && err.problems.length > 0) {
      const n = err.problems.length;
      output.err(`error: ${n} problem${n === 1 ? '' : 's'} in ${opts.file}:`);
      for (const p of err.problems) output.err(`  ${p.path}: ${p.message}`);
    } else {
      output.err(`error: ${(err as Error).message}`);
    }
    return 1;
  } finally {
    await store?.close();
  }
}

const verbs: Record<Change['action'], [done: string, would: string]> = {
  create: ['created', 'would create'],
  update: ['updated', 'would update'],
  delete: ['removed', 'would remove'],
  register: ['registered', 'would register'],
  deregister: ['deregistered', 'would deregister'],
};

/**
 * One line per change: `created target group tutorial-tg (HTTP:8080, instance)`,
 * `registered target 127.0.0.1:8081 in tutorial-tg`, `removed listener HTTP:8000 of tutorial-alb`;
 * on a dry run, `would create ...`.
 */
export function formatChange(change: Change, dryRun: boolean): string {
  const verb = verbs[change.action][dryRun ? 1 : 0];
  let parent = '';
  if (change.parent !== undefined) {
    if (change.kind === 'listener') parent = ` of ${change.parent}`;
    else parent = change.action === 'deregister' ? ` from ${change.parent}` : ` in ${change.parent}`;
  }
  return `${verb} ${change.kind} ${change.name}${parent}${change.detail ? ` (${change.detail})` : ''}`;
}
