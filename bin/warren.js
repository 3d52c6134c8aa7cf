#!/usr/bin/env node
// The `warren` command: compile if the sources changed, then run the server entry point.
import { buildIfNeeded } from '../tools/build-if-needed.mjs';

const status = buildIfNeeded();
if (status !== 0) process.exit(status);
await import('../dist/main.js');
