#!/usr/bin/env node
/**
 * The package's command, `npx ringmaster <command>`; compiled to dist/bin/ringmaster.js (package.json `bin`).
 * One command so far: `bench`, the benchmark suite's scenarios on the user's own actor (bench/user/main.ts).
 */
import { benchMain } from '../bench/user/main.js';

const USAGE = `Usage: npx ringmaster <command> [options]

Commands:
  bench   benchmark one of your actors (npx ringmaster bench --help)
`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'bench') {
  process.exitCode = await benchMain(rest);
} else if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
} else {
  process.stderr.write(`ringmaster: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  process.exitCode = 2;
}
