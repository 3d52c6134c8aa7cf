// rabbitmq_auth_attempts_* (RabbitMQ's auth_attempt_metrics): AMQP 0-9-1 logins at connection.start-ok
// and management API requests with Basic credentials, as RabbitMQ 3.10.8 counts them (rabbit_reader's
// auth_phase, rabbit_mgmt_util:is_authorized). Observed on the reference: a protocol appears with its
// first attempt; a bad AMQP password, an unknown user and a non-management user's HTTP request count
// as failed; an HTTP request without credentials and a connection.open to a missing vhost count nothing.
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startManagementTarget, type ManagementTarget } from '../helpers/management.js';
import { parseExposition, referencePrometheusUrl, sampleValue, type ParsedFamily } from './exposition.js';
import { scrapeText } from './scenario.js';

let target: ManagementTarget;
let metricsBase: string;

beforeAll(async () => {
  target = await startManagementTarget();
  metricsBase = `http://127.0.0.1:${target.services!.prometheus.port}`;
});

afterAll(async () => {
  await target?.close();
});

const amqpBase = (): string => target.amqpUrl.replace('guest:guest@', '');

async function tryConnect(url: string): Promise<boolean> {
  try {
    const c = await amqp.connect(url);
    c.on('error', () => {});
    await c.close();
    return true;
  } catch {
    return false;
  }
}

async function httpStatus(auth: string | undefined): Promise<number> {
  const r = await fetch(`${target.base}/api/whoami`, { headers: auth === undefined ? {} : { authorization: auth } });
  await r.arrayBuffer();
  return r.status;
}

async function scrape(path = '/metrics'): Promise<Map<string, ParsedFamily>> {
  return parseExposition(await scrapeText(metricsBase + path));
}

describe('login attempts', () => {
  it('no attempt yet: the families are there without samples', async () => {
    const m = await scrape();
    expect(m.get('rabbitmq_auth_attempts_total')?.type).toBe('counter');
    expect(m.get('rabbitmq_auth_attempts_total')!.samples).toEqual([]);
  });

  it('AMQP logins, good and bad, by protocol amqp091', async () => {
    const host = amqpBase().replace('amqp://', '');
    expect(await tryConnect(`amqp://guest:guest@${host}`)).toBe(true);
    expect(await tryConnect(`amqp://guest:wrong@${host}`)).toBe(false);
    expect(await tryConnect(`amqp://f11-nobody:wrong@${host}`)).toBe(false);
    // Logged in, then refused at connection.open: a successful login.
    expect(await tryConnect(`amqp://guest:guest@${host}/f11-no-vhost`)).toBe(false);
    const m = await scrape();
    const amqp091 = { protocol: 'amqp091' };
    expect(sampleValue(m, 'rabbitmq_auth_attempts_total', amqp091)).toBe(4);
    expect(sampleValue(m, 'rabbitmq_auth_attempts_succeeded_total', amqp091)).toBe(2);
    expect(sampleValue(m, 'rabbitmq_auth_attempts_failed_total', amqp091)).toBe(2);
    expect(m.get('rabbitmq_auth_attempts_total')!.samples.map((s) => s.labels)).toEqual([amqp091]);
  });

  it('management API requests with credentials, by protocol http', async () => {
    await target.addUser('f11-plain', 'pw', [], ['/']);
    expect(await httpStatus(undefined)).toBe(401); // not an attempt
    expect(await httpStatus(basic('guest', 'guest'))).toBe(200);
    expect(await httpStatus(basic('guest', 'guest'))).toBe(200);
    expect(await httpStatus(basic('guest', 'nope'))).toBe(401);
    expect(await httpStatus(basic('f11-plain', 'pw'))).toBe(401); // not a management user: failed
    const m = await scrape();
    const http = { protocol: 'http' };
    expect(sampleValue(m, 'rabbitmq_auth_attempts_total', http)).toBe(4);
    expect(sampleValue(m, 'rabbitmq_auth_attempts_succeeded_total', http)).toBe(2);
    expect(sampleValue(m, 'rabbitmq_auth_attempts_failed_total', http)).toBe(2);
    // RabbitMQ's table order: http, then amqp091.
    expect(m.get('rabbitmq_auth_attempts_failed_total')!.samples.map((s) => s.labels.protocol)).toEqual(['http', 'amqp091']);
    // The same rows per object and in the detailed family; the per-source table stays empty
    // (RabbitMQ fills it only with track_auth_attempt_source, off by default).
    const per = await scrape('/metrics/per-object');
    expect(sampleValue(per, 'rabbitmq_auth_attempts_succeeded_total', http)).toBe(2);
    const d = await scrape('/metrics/detailed?family=auth_attempt_metrics&family=auth_attempt_detailed_metrics');
    expect(sampleValue(d, 'rabbitmq_detailed_auth_attempts_total', { protocol: 'amqp091' })).toBe(4);
    expect(d.get('rabbitmq_detailed_auth_attempts_detailed_total')!.samples).toEqual([]);
  });

  it('a logged-in user refused by the resource\'s own check (tags, vhost) is a failed attempt, as is_authorized counts it', async () => {
    await target.addUser('f11-mgmt', 'pw', ['management'], []);
    const before = await scrape();
    const http = { protocol: 'http' };
    const count = (m: Map<string, ParsedFamily>, name: string): number => sampleValue(m, name, http);
    const get = async (path: string): Promise<number> => {
      const r = await fetch(`${target.base}${path}`, { headers: { authorization: basic('f11-mgmt', 'pw') } });
      await r.arrayBuffer();
      return r.status;
    };
    expect(await get('/api/whoami')).toBe(200); // succeeded
    expect(await get('/api/users')).toBe(401); // Not administrator user: failed
    expect(await get('/api/nodes')).toBe(401); // Not monitor user: failed
    expect(await get('/api/queues/%2F')).toBe(401); // no permissions in the vhost: failed
    expect(await get('/api/queues/f11-missing-vhost')).toBe(404); // past the check (a missing vhost passes it): succeeded
    const after = await scrape();
    expect(count(after, 'rabbitmq_auth_attempts_succeeded_total') - count(before, 'rabbitmq_auth_attempts_succeeded_total')).toBe(2);
    expect(count(after, 'rabbitmq_auth_attempts_failed_total') - count(before, 'rabbitmq_auth_attempts_failed_total')).toBe(3);
    expect(count(after, 'rabbitmq_auth_attempts_total') - count(before, 'rabbitmq_auth_attempts_total')).toBe(5);
  });

  it('the reference labels its rows the same way', async () => {
    if (referencePrometheusUrl === undefined) return; // no live reference in this run: the values above are RabbitMQ's as observed
    const r = await fetch('http://127.0.0.1:15682/api/whoami', { headers: { authorization: basic('guest', 'f11-wrong') } });
    await r.arrayBuffer();
    const m = parseExposition(await scrapeText(`${referencePrometheusUrl}/metrics`));
    const rows = m.get('rabbitmq_auth_attempts_failed_total')!.samples;
    expect(rows.map((s) => Object.keys(s.labels))).toEqual(rows.map(() => ['protocol']));
    expect(rows.map((s) => s.labels.protocol)).toContain('http');
  });
});
