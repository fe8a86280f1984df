#!/usr/bin/env node
/**
 * The `quantlab` executable (package bin, built to `dist/cli.js`). Nothing here is part of the
 * library's API.
 *
 * @module
 */
import { processIo } from './io.js';
import { runCli } from './main.js';

// `quantlab ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
