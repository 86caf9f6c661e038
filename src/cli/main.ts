#!/usr/bin/env node
/** The `albatross` command: each subcommand lives in `commands/` and registers itself here. */
import { Command } from 'commander';
import { registerServe } from './commands/serve.ts';
import { registerApply } from './commands/apply.ts';
import { registerStatus } from './commands/status.ts';
import { registerAccessKeys } from './commands/access-keys.ts';
import { registerLoadtest } from './commands/loadtest.ts';
import { registerDemo } from './commands/demo.ts';
import { registerApiCommands } from './api/register.ts';

const program = new Command('albatross')
  .description('A self-hosted Application Load Balancer with the concepts and API of AWS ALB')
  .showHelpAfterError();

registerServe(program);
registerApply(program);
registerStatus(program);
registerAccessKeys(program);
registerLoadtest(program);
registerDemo(program);
registerApiCommands(program);

await program.parseAsync(process.argv);
