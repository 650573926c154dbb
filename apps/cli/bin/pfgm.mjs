#!/usr/bin/env node
// Runs the TypeScript entry point in this process through tsx's loader (no build step, one process, so Ctrl-C
// reaches the training loop once).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main.ts', import.meta.url).href);
