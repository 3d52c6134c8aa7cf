/**
 * GET/PUT /api/cluster-name (rabbit_mgmt_wm_cluster_name) and the cluster name across restarts.
 *
 * RabbitMQ keeps the name as the global runtime parameter `cluster_name`; Warren keeps it in a
 * small record in the data directory (`cluster_name.json`), read at boot before the listeners
 * open. As RabbitMQ (rabbit_nodes:boot/0): a `cluster_name` in the config is applied (and stored)
 * at every boot; without one the stored name stays; without either it is the node name.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nodeIdentity, type NodeIdentity } from '../identity.js';
import type { AdminContext } from './admin-context.js';
import { requireAdministrator, type User } from './authorization.js';
import { badRequest } from './errors.js';

/** The record's file name in the data directory. */
export const CLUSTER_NAME_FILE = 'cluster_name.json';

/** The node's identity: the context's, else the one of the broker's config. */
export function identityOf(ctx: AdminContext): NodeIdentity {
  return ctx.identity ?? nodeIdentity(ctx.broker.config);
}

/** The stored cluster name, if one was ever set. */
export async function readStoredClusterName(dataDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, CLUSTER_NAME_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const name = (JSON.parse(text) as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** Stores the cluster name (a new file renamed over the old one: a crash leaves one or the other). */
export async function storeClusterName(dataDir: string, name: string): Promise<void> {
  const file = path.join(dataDir, CLUSTER_NAME_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ name }) + '\n');
  await rename(tmp, file);
}

/**
 * At boot: the configured name (stored, as RabbitMQ seeds it at every boot), else the stored
 * one; with neither, the identity keeps the node name.
 */
export async function restoreClusterName(identity: NodeIdentity, dataDir: string, configured: string): Promise<void> {
  if (configured !== '') {
    identity.clusterName = configured;
    await storeClusterName(dataDir, configured);
    return;
  }
  const stored = await readStoredClusterName(dataDir);
  if (stored !== undefined) identity.clusterName = stored;
}

/** GET /api/cluster-name: every management user. */
export function getClusterName(ctx: AdminContext): { name: string } {
  return { name: identityOf(ctx).clusterName };
}

/**
 * PUT /api/cluster-name `{"name": "..."}`: administrators only (401 for others), 400
 * `[{key_missing,name}]` without a name. New connections announce it at once.
 */
export async function putClusterName(ctx: AdminContext, actor: User, body: Record<string, unknown>): Promise<void> {
  requireAdministrator(actor);
  if (!('name' in body)) throw badRequest('[{key_missing,name}]');
  const name = body.name;
  // RabbitMQ 3.10.8 answers a non-string name with an empty 500 (as_binary/1 has no clause for it).
  if (typeof name !== 'string') throw badRequest('cluster name must be a string');
  await storeClusterName(ctx.broker.config.dataDir, name);
  identityOf(ctx).clusterName = name;
}
