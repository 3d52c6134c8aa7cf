#!/usr/bin/env node
// Placeholder until the admin issue lands the real CLI (src/cli/).
process.stderr.write('warrenctl: not implemented yet (see the admin issue)\n');
process.exit(64);
