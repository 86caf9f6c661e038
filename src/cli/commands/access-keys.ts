/**
 * `albatross access-keys create --name <name> | list | delete <id>`: the access keys that sign
 * requests to the admin API. Works on the store directly (`--data-dir`), like `apply`; a running
 * `serve` sees a new or deleted key with its next request. The secret is printed once, by
 * `create`, and never again. Exit codes: 0 done, 1 refused (bad name, unknown key, wrong master
 * key), 2 usage.
 */
import Table from 'cli-table3';
import { InvalidArgumentError, type Command } from 'commander';
import { AlbatrossError, type AccessKey } from '../../model/index.ts';
import { SqliteStateStore } from '../../store/sqlite/sqlite-state-store.ts';
import { MasterKey, verifyMasterKey } from '../../secrets/master-key.ts';
import { createAccessKey, deleteAccessKey, listAccessKeys } from '../../controlplane/access-keys.ts';
import { addDataDirOption } from '../options.ts';

type OutputFormat = 'table' | 'json';

function outputFormat(value: string): OutputFormat {
  if (value !== 'table' && value !== 'json') throw new InvalidArgumentError("must be 'table' or 'json'");
  return value;
}

const write = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

/** Opens the store, runs `fn`, closes it; an error is one line on stderr and exit code 1. */
async function withStore(dataDir: string, fn: (store: SqliteStateStore) => Promise<void>): Promise<void> {
  let store: SqliteStateStore | undefined;
  try {
    store = new SqliteStateStore(dataDir);
    await fn(store);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof AlbatrossError ? `${err.code}: ` : ''}${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await store?.close();
  }
}

function metadata(k: AccessKey): Record<string, string> {
  return { AccessKeyId: k.accessKeyId, Name: k.name, Status: k.status, CreateDate: new Date(k.createdAt).toISOString() };
}

export function registerAccessKeys(program: Command): void {
  const group = program
    .command('access-keys')
    .description('create, list and delete the access keys that sign requests to the admin API (AWS Signature V4)');

  const create = group
    .command('create')
    .description('create an access key; its secret is printed once, now, and never again')
    .requiredOption('--name <name>', 'what the key is for, e.g. ci (1-64 of A-Z a-z 0-9 + = , . @ _ -)')
    .option('--output <format>', 'table or json', outputFormat, 'table' as OutputFormat);
  addDataDirOption(create).action(async (opts: { name: string; output: OutputFormat; dataDir: string }) => {
    await withStore(opts.dataDir, async (store) => {
      const masterKey = MasterKey.load(opts.dataDir);
      await store.transaction((tx) => verifyMasterKey(masterKey, tx));
      const { key, secretAccessKey } = await createAccessKey(store, masterKey, opts.name);
      if (opts.output === 'json') {
        const { AccessKeyId, ...rest } = metadata(key);
        write(JSON.stringify({ AccessKey: { AccessKeyId, SecretAccessKey: secretAccessKey, ...rest } }, null, 2));
        return;
      }
      write(
        [
          `AccessKeyId      ${key.accessKeyId}`,
          `SecretAccessKey  ${secretAccessKey}`,
          `Name             ${key.name}`,
          '',
          'The secret is shown only now; store it safely. For the AWS CLI:',
          `  AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=<secret> aws elbv2 describe-load-balancers --region local --endpoint-url http://127.0.0.1:8400`,
        ].join('\n'),
      );
    });
  });

  const list = group
    .command('list')
    .description('list access keys: id, name, status, creation time (never a secret)')
    .option('--output <format>', 'table or json', outputFormat, 'table' as OutputFormat);
  addDataDirOption(list).action(async (opts: { output: OutputFormat; dataDir: string }) => {
    await withStore(opts.dataDir, async (store) => {
      const keys = await listAccessKeys(store);
      if (opts.output === 'json') {
        write(JSON.stringify({ AccessKeyMetadata: keys.map(metadata) }, null, 2));
        return;
      }
      if (keys.length === 0) {
        write('no access keys (albatross serve creates one at its next start)');
        return;
      }
      const table = new Table({ head: ['AccessKeyId', 'Name', 'Status', 'Created'], style: { head: [], border: [] } });
      for (const k of keys) table.push([k.accessKeyId, k.name, k.status, new Date(k.createdAt).toISOString()]);
      write(table.toString());
    });
  });

  const del = group
    .command('delete')
    .description('delete an access key; requests signed with it are refused from then on')
    .argument('<access-key-id>', 'the key to delete (AKIA...)');
  addDataDirOption(del).action(async (accessKeyId: string, opts: { dataDir: string }) => {
    await withStore(opts.dataDir, async (store) => {
      const key = await deleteAccessKey(store, accessKeyId);
      write(`deleted access key ${key.accessKeyId} (${key.name})`);
    });
  });

  for (const cmd of [create, list, del]) cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}
