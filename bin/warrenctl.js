#!/usr/bin/env node
// The `warrenctl` command: compile if the sources changed, then run the CLI (src/cli/).
import { buildIfNeeded } from '../tools/build-if-needed.mjs';

const status = buildIfNeeded();
if (status !== 0) process.exit(status);
await import('../dist/cli/main.js');
