#!/usr/bin/env node
// The container's (or any supervisor's) health check: exit 0 when the broker answers a management
// health check with 200, 1 otherwise. It logs in with the local credentials the broker writes into
// its data directory at each start (warrenctl's), so it works whatever users are defined.
//   warren-healthcheck [PATH]    PATH defaults to /api/health/checks/protocol-listener/amqp (an AMQP
//                                listener is up); the data directory is $WARREN_DATA_DIR or ./data.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const check = process.argv[2] ?? '/api/health/checks/protocol-listener/amqp';
const dataDir = process.env.WARREN_DATA_DIR ?? './data';
const TIMEOUT_MS = 4000;

let credentials;
try {
  credentials = JSON.parse(readFileSync(path.join(dataDir, 'warrenctl.credentials'), 'utf8'));
} catch (e) {
  process.stderr.write(`warren-healthcheck: no local credentials in ${dataDir} (is the broker running?): ${e.message}\n`);
  process.exit(1);
}
const authorization = 'Basic ' + Buffer.from(`${credentials.username}:${credentials.secret}`).toString('base64');
try {
  const r = await fetch(credentials.api_url + check, { headers: { authorization }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await r.text();
  if (!r.ok) process.stderr.write(`warren-healthcheck: ${check}: ${r.status} ${body}\n`);
  process.exit(r.ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`warren-healthcheck: ${check}: ${e.message}\n`);
  process.exit(1);
}
