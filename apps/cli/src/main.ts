#!/usr/bin/env node
// The `pfgm` command. Errors print one clear line (no stack trace) and exit 1; a signal that stopped training exits
// 130 (SIGINT) or 143 (SIGTERM) after its checkpoint.
import { errorLine } from './error-line.js';
import { callerCwd } from './caller-cwd.js';
import { buildProgram } from './program.js';

process.chdir(callerCwd(process.env, process.cwd()));
// A failure outside the command's own promise (a stream, a worker) is still one line, not a stack trace.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    console.error(`error: ${errorLine(err)}`);
    process.exit(1);
  });
}
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${errorLine(err)}`);
  process.exitCode = process.exitCode || 1;
}
