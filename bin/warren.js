#!/usr/bin/env node
// The `warren` command: compile the server and the dashboard if their sources changed, then run the server entry point.
import { buildIfNeeded, buildUiIfNeeded } from '../tools/build-if-needed.mjs';

const status = buildIfNeeded();
if (status !== 0) process.exit(status);
// A dashboard that cannot be built (no devDependencies in an installed package) is not fatal: the broker serves a page saying so.
buildUiIfNeeded();
await import('../dist/main.js');
