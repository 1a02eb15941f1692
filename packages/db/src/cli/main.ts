#!/usr/bin/env node
import { runCli } from './run-cli.js';

// `pnpm db` runs in the repository root; INIT_CWD is where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();

process.exitCode = await runCli(process.argv.slice(2), process.env, cwd, {
  out: (text) => {
    process.stdout.write(`${text}\n`);
  },
  err: (text) => {
    process.stderr.write(`${text}\n`);
  },
});
