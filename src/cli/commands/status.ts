/** `albatross status`: each target group's targets with their health, as the running node sees it. */
import Table from 'cli-table3';
import type { Command } from 'commander';
import { addDataDirOption } from '../options.ts';
import { SqliteStateStore } from '../../store/sqlite/sqlite-state-store.ts';
import type { TargetHealthRecord } from '../../store/state-store.ts';
import { targetKey } from '../../model/index.ts';

function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}

export function registerStatus(program: Command): void {
  addDataDirOption(
    program
      .command('status')
      .description("print each target group's targets with state, reason and last health check")
      .option('--output <format>', 'table or json', 'table'),
  ).action(async (opts: { dataDir: string; output: string }) => {
    const store = new SqliteStateStore(opts.dataDir);
    try {
      const groups = await store.transaction(async (tx) => {
        const out = [];
        for (const tg of await tx.listTargetGroups()) out.push({ tg, targets: await tx.listTargets(tg.arn) });
        return out;
      });
      const records = await store.listTargetHealth();
      const byKey = new Map<string, TargetHealthRecord>();
      for (const r of records) byKey.set(`${r.targetGroupArn}\n${targetKey(r.id, r.port)}`, r);
      const now = Date.now();
      const rows = groups.map(({ tg, targets }) => ({
        targetGroup: tg.name,
        targetGroupArn: tg.arn,
        targets: targets.map((t) => {
          const r = byKey.get(`${tg.arn}\n${targetKey(t.id, t.port)}`);
          return {
            id: t.id,
            port: t.port,
            state: r?.state ?? (t.drainUntil !== undefined ? 'draining' : 'unknown'),
            reason: r?.reason ?? null,
            description: r?.description ?? (r ? null : 'no running albatross has checked it yet'),
            lastCheckAt: r?.lastCheckAt ?? null,
            lastResult: r?.lastResult ?? null,
          };
        }),
      }));
      if (opts.output === 'json') {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no target groups\n');
        return;
      }
      for (const g of rows) {
        process.stdout.write(`target group ${g.targetGroup}\n`);
        const table = new Table({
          head: ['target', 'state', 'reason', 'description', 'last check'],
          style: { head: [], border: [] },
        });
        for (const t of g.targets) {
          const last = t.lastCheckAt === null ? '-' : `${ago(t.lastCheckAt, now)}${t.lastResult ? ` (${t.lastResult})` : ''}`;
          table.push([`${t.id}:${t.port}`, t.state, t.reason ?? '', t.description ?? '', last]);
        }
        process.stdout.write(g.targets.length === 0 ? '  (no targets)\n' : table.toString() + '\n');
      }
    } finally {
      await store.close();
    }
  });
}
