/** Options shared by several commands. */
import type { Command } from 'commander';

export const defaultDataDir = './albatross-data';

export function addDataDirOption(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'where the embedded store lives', process.env.ALBATROSS_DATA_DIR ?? defaultDataDir);
}
