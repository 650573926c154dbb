#!/usr/bin/env node
// The `pfgm` command. Errors print one clear line and exit non-zero.
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = process.exitCode || 1;
}
