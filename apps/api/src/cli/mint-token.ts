import { CommandError, mintTokenCommand } from './mint-token.command.js';

// Entry point of `pnpm --filter @outreach/api token`: prints the token on stdout.
try {
  process.stdout.write(`${await mintTokenCommand(process.argv.slice(2), process.env)}\n`);
} catch (error) {
  process.stderr.write(`token: ${error instanceof CommandError ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
