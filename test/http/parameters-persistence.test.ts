// Runtime parameters, global parameters and operator policies are definitions: they survive a
// restart (LevelDB in a temp dir) and are in GET /api/definitions and POST /api/definitions as
// RabbitMQ 3.10.8 exports and imports them (`parameters` with operator_policy and vhost-limits
// among them, `global_parameters` with internal_cluster_id).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLogger, startServices, type BrokerServices } from '../../src/index.js';
import { startManagementTarget } from '../helpers/management.js';
import { expectShapeLike, fetchJson, referenceMgmtUrl } from '../helpers/shape-compare.js';
import { call } from './access-api.js';
import { testConfig } from '../helpers/test-config.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<BrokerServices> {
  const config: Config = testConfig({ dataDir });
  return startServices(config, createLogger('silent'));
}

const OP_VALUE = { pattern: '^jobs$', definition: { 'max-length': 2 }, priority: 1, 'apply-to': 'queues' };

describe.skipIf(process.env.WARREN_TEST_URL !== undefined)('parameters as definitions', () => {
  it('survive a restart: operator policies (applied to recovered queues), parameters, global parameters', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'warren-params-'));
    dirs.push(dataDir);
    let s = await start(dataDir);
    let base = `http://127.0.0.1:${s.management.port}`;
    const ok = async (method: string, p: string, body?: unknown): Promise<void> => {
      const r = await call(base, method, p, body);
      expect(r.status, `${method} ${p}: ${r.text}`).toBeLessThan(300);
    };
    const clusterId = ((await call(base, 'GET', '/api/global-parameters/internal_cluster_id')).json as { value: string }).value;
    await ok('PUT', '/api/operator-policies/%2F/op', { pattern: '^jobs$', definition: { 'max-length': 2 }, priority: 1, 'apply-to': 'queues' });
    await ok('PUT', '/api/operator-policies/%2F/gone', { pattern: '.*', definition: { 'max-length': 0 } });
    await ok('DELETE', '/api/operator-policies/%2F/gone');
    await ok('PUT', '/api/parameters/exchange-delete-in-progress/%2F/e1', { value: { a: 1 } });
    await ok('PUT', '/api/parameters/vhost-limits/%2F/limits', { value: { 'max-connections': 50 } });
    await ok('PUT', '/api/global-parameters/g1', { value: ['x', { y: 2 }] });
    await ok('PUT', '/api/global-parameters/g2', { value: 1 });
    await ok('DELETE', '/api/global-parameters/g2');
    const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${s.amqp.port}`);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('jobs', { durable: true });
    await conn.close();
    await s.close();

    s = await start(dataDir);
    base = `http://127.0.0.1:${s.management.port}`;
    try {
      expect((await call(base, 'GET', '/api/operator-policies')).json).toEqual([
        { vhost: '/', name: 'op', pattern: '^jobs$', 'apply-to': 'queues', definition: { 'max-length': 2 }, priority: 1 },
      ]);
      const params = (await call(base, 'GET', '/api/parameters')).json;
      expect(params).toEqual([
        { value: { a: 1 }, vhost: '/', component: 'exchange-delete-in-progress', name: 'e1' },
        { value: { 'max-connections': 50 }, vhost: '/', component: 'vhost-limits', name: 'limits' },
        { value: OP_VALUE, vhost: '/', component: 'operator_policy', name: 'op' },
      ]);
      expect((await call(base, 'GET', '/api/global-parameters')).json).toEqual([
        { name: 'g1', value: ['x', { y: 2 }] },
        { name: 'internal_cluster_id', value: clusterId },
      ]);
      // The recovered durable queue has its operator policy from the start.
      const jobs = s.broker.getVhost('/')!.queues.get('jobs')!;
      expect(jobs.operatorPolicyName).toBe('op');
      expect(jobs.settings.maxLength).toBe(2);
      const c2 = await amqp.connect(`amqp://guest:guest@127.0.0.1:${s.amqp.port}`);
      const ch2 = await c2.createConfirmChannel();
      for (let i = 0; i < 5; i++) ch2.sendToQueue('jobs', Buffer.from(String(i)), { persistent: true });
      await ch2.waitForConfirms();
      expect((await ch2.checkQueue('jobs')).messageCount).toBe(2);
      await c2.close();

      // Deleting the vhost deletes its parameters and operator policies with it, for good.
      await ok('DELETE', '/api/vhosts/%2F');
    } finally {
      await s.close();
    }
    s = await start(dataDir);
    base = `http://127.0.0.1:${s.management.port}`;
    try {
      expect((await call(base, 'GET', '/api/parameters')).json).toEqual([]);
      expect((await call(base, 'GET', '/api/operator-policies')).json).toEqual([]);
      expect((await call(base, 'GET', '/api/global-parameters')).json).toContainEqual({ name: 'g1', value: ['x', { y: 2 }] });
    } finally {
      await s.close();
    }
  });

  it('GET /api/definitions exports parameters and global_parameters as RabbitMQ 3.10.8 does', async () => {
    const t = await startManagementTarget();
    try {
      const api = (m: string, p: string, b?: unknown): ReturnType<typeof call> => call(t.base, m, p, b);
      await api('PUT', '/api/vhosts/dv');
      await api('PUT', '/api/vhost-limits/dv/max-queues', { value: 9 });
      await api('PUT', '/api/operator-policies/dv/op', { pattern: '^jobs$', definition: { 'max-length': 2 }, priority: 1, 'apply-to': 'queues' });
      await api('PUT', '/api/parameters/exchange-delete-in-progress/dv/e1', { value: 'x' });
      await api('PUT', '/api/global-parameters/g1', { value: { k: 'v' } });
      const d = (await api('GET', '/api/definitions')).json as Record<string, unknown[]>;
      const dvParameters = [
        { value: 'x', vhost: 'dv', component: 'exchange-delete-in-progress', name: 'e1' },
        { value: { 'max-queues': 9 }, vhost: 'dv', component: 'vhost-limits', name: 'limits' },
        { value: OP_VALUE, vhost: 'dv', component: 'operator_policy', name: 'op' },
      ];
      expect(d.parameters).toEqual(dvParameters);
      expect(d.global_parameters).toEqual([{ name: 'g1', value: { k: 'v' } }, { name: 'internal_cluster_id', value: expect.stringMatching(/^rabbitmq-cluster-id-/) }]);
      // Operator policies are parameters, not policies.
      expect(d.policies).toEqual([]);
      // Per vhost: the vhost's parameters, `vhost` kept (3.10.8), no global parameters.
      const one = (await api('GET', '/api/definitions/dv')).json as Record<string, unknown>;
      expect(one.parameters).toEqual(dvParameters);
      expect(one).not.toHaveProperty('global_parameters');

      if (referenceMgmtUrl !== undefined) {
        // The reference's export with one parameter of each kind in a vhost of this test's own.
        const R = referenceMgmtUrl;
        const rv = `params-defs-${process.pid}`;
        await call(R, 'PUT', `/api/vhosts/${rv}`);
        try {
          await call(R, 'PUT', `/api/vhost-limits/${rv}/max-queues`, { value: 9 });
          await call(R, 'PUT', `/api/operator-policies/${rv}/op`, { pattern: '^jobs$', definition: { 'max-length': 2 }, priority: 1, 'apply-to': 'queues' });
          const rd = (await fetchJson(R, '/api/definitions')).json as Record<string, { vhost?: string; name: string }[]>;
          expectShapeLike('definitions-parameters', d.parameters?.filter((p) => (p as { component: string }).component !== 'exchange-delete-in-progress'), rd.parameters?.filter((p) => p.vhost === rv));
          expectShapeLike('definitions-global-parameters', d.global_parameters?.filter((p) => (p as { name: string }).name === 'internal_cluster_id'), rd.global_parameters?.filter((p) => p.name === 'internal_cluster_id'));
        } finally {
          await call(R, 'DELETE', `/api/vhosts/${rv}`);
        }
      } else {
        expectShapeLike('definitions-parameters', d.parameters?.filter((p) => (p as { component: string }).component !== 'exchange-delete-in-progress'));
        expectShapeLike('definitions-global-parameters', d.global_parameters?.filter((p) => (p as { name: string }).name === 'internal_cluster_id'));
      }
    } finally {
      await t.close();
    }
  });

  it('POST /api/definitions imports parameters (operator policies included) and global parameters; a bad one changes nothing', async () => {
    const t = await startManagementTarget();
    try {
      const api = (m: string, p: string, b?: unknown): ReturnType<typeof call> => call(t.base, m, p, b);
      await api('PUT', '/api/vhosts/iv');
      const bad = async (doc: unknown, reason: string): Promise<void> => {
        const r = await api('POST', '/api/definitions', doc);
        expect(r.status, JSON.stringify(doc)).toBe(400);
        expect(r.json).toEqual({ error: 'bad_request', reason });
      };
      await bad({ parameters: [{ vhost: 'iv', component: 'foo', name: 'x', value: { a: 1 } }] }, 'Validation failed\n\ncomponent foo not found\n (iv/foo/x)');
      await bad(
        { parameters: [{ vhost: 'iv', component: 'vhost-limits', name: 'limits', value: { 'max-queues': 'x' } }] },
        'Validation failed\n\nmax-queues should be a number, actually was &lt;&lt;"x"&gt;&gt;\n (iv/vhost-limits/limits)',
      );
      await bad(
        {
          global_parameters: [{ name: 'never', value: 1 }],
          parameters: [{ vhost: 'iv', component: 'operator_policy', name: 'op', value: { pattern: 'x', definition: { overflow: 'drop-head' }, priority: 0 } }],
        },
        'Validation failed\n\n[{&lt;&lt;"overflow"&gt;&gt;,&lt;&lt;"drop-head"&gt;&gt;}] are not recognised policy settings\n (iv/operator_policy/op)',
      );
      expect((await api('GET', '/api/global-parameters/never')).status).toBe(404);

      const doc = {
        parameters: [
          { vhost: 'iv', component: 'operator_policy', name: 'op9', value: { 'apply-to': 'queues', definition: { 'max-length': 4 }, pattern: '^zz', priority: 2 } },
          { vhost: 'iv', component: 'vhost-limits', name: 'limits', value: { 'max-connections': 4 } },
          { vhost: 'iv', component: 'exchange-delete-in-progress', name: 'e', value: [1] },
        ],
        global_parameters: [{ name: 'g9', value: { k: 'v' } }],
      };
      expect((await api('POST', '/api/definitions', doc)).status).toBe(204);
      expect((await api('GET', '/api/operator-policies/iv/op9')).json).toEqual({ vhost: 'iv', name: 'op9', pattern: '^zz', 'apply-to': 'queues', definition: { 'max-length': 4 }, priority: 2 });
      expect((await api('GET', '/api/vhost-limits/iv')).json).toEqual([{ vhost: 'iv', value: { 'max-connections': 4 } }]);
      expect((await api('GET', '/api/parameters/exchange-delete-in-progress/iv/e')).json).toMatchObject({ value: [1] });
      expect((await api('GET', '/api/global-parameters/g9')).json).toEqual({ value: { k: 'v' }, name: 'g9' });

      // One vhost's document: parameters without `vhost`; its global_parameters are ignored (as 3.10.8).
      const vdoc = {
        parameters: [{ component: 'operator_policy', name: 'op10', value: { pattern: '^zz', definition: { 'max-length': 4 }, priority: 2, 'apply-to': 'queues' } }],
        global_parameters: [{ name: 'g10', value: 1 }],
      };
      expect((await api('POST', '/api/definitions/iv', vdoc)).status).toBe(204);
      expect((await api('GET', '/api/operator-policies/iv/op10')).status).toBe(200);
      expect((await api('GET', '/api/global-parameters/g10')).status).toBe(404);

      // An export imports into a fresh broker as it was.
      const exported = (await api('GET', '/api/definitions')).json as Record<string, unknown>;
      const t2 = await startManagementTarget();
      try {
        expect((await call(t2.base, 'POST', '/api/definitions', exported)).status).toBe(204);
        expect((await call(t2.base, 'GET', '/api/parameters')).json).toEqual((await api('GET', '/api/parameters')).json);
        expect((await call(t2.base, 'GET', '/api/global-parameters')).json).toEqual((await api('GET', '/api/global-parameters')).json);
      } finally {
        await t2.close();
      }
    } finally {
      await t.close();
    }
  });
});
