/**
 * /api/connections, /api/vhosts/{vhost}/connections, /api/connections/{name} (GET, DELETE),
 * /api/connections/username/{user} (GET, DELETE) with RabbitMQ 3.10.8's JSON and rules
 * (rabbit_mgmt_wm_connection(s), rabbit_mgmt_wm_connections_vhost, rabbit_mgmt_wm_connection_user_name).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import {
  closeConnection,
  closeUserConnections,
  DEFAULT_CLOSE_REASON,
  getConnection,
  listConnections,
  listUserConnections,
  tlsDetails,
  trackedConnection,
  type ConnectionInfo,
} from '../../admin/connections.js';
import { amqpTableJson } from '../amqp-table-json.js';
import { authenticate } from '../auth.js';
import { listReply } from '../list-query.js';
import { sendError } from '../send-error.js';

/** What the connection routes need. */
export interface ConnectionRouteOptions {
  admin: AdminContext;
}

/** RabbitMQ's default order of connection and channel lists (rabbit_mgmt_util reply_list). */
export const CONNECTION_SORT = ['vhost', 'name'] as const;

/** An IPv4-mapped IPv6 address as RabbitMQ prints it (rabbit_misc:ntoa): the IPv4 address. */
export function ipText(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function clientProvidedName(c: ConnectionInfo): string | undefined {
  const v = c.clientProperties.connection_name;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return undefined;
}

/**
 * A connection in RabbitMQ 3.10.8's management JSON, keys sorted as its lists have them.
 * `single` (GET of one connection): the TLS and certificate fields of a plain connection are
 * "" there, null in lists, as 3.10.8 gives them. Left out: message and octet rates
 * (recv_oct_details, send_oct_details), recv_cnt and send_cnt (the statistics work adds them),
 * and Erlang's garbage_collection and reductions.
 */
export function connectionJson(c: ConnectionInfo, single = false): Record<string, unknown> {
  const none = single ? '' : null;
  const tls = c.tls === null ? null : tlsDetails(c.tls);
  const out: Record<string, unknown> = {
    auth_mechanism: c.authMechanism,
    channel_max: c.channelMax,
    channels: c.channels.length,
    client_properties: amqpTableJson(c.clientProperties),
    connected_at: c.connectedAt,
    frame_max: c.frameMax,
    host: ipText(c.host),
    name: c.name,
    node: c.node,
    // Warren does not ask for client certificates.
    peer_cert_issuer: none,
    peer_cert_subject: none,
    peer_cert_validity: none,
    peer_host: ipText(c.peerHost),
    peer_port: c.peerPort,
    port: c.port,
    protocol: 'AMQP 0-9-1',
    recv_oct: c.recvOct,
    send_oct: c.sendOct,
    send_pend: c.sendPend,
    ssl: tls !== null,
    ssl_cipher: tls?.cipher ?? none,
    ssl_hash: tls?.hash ?? none,
    ssl_key_exchange: tls?.keyExchange ?? none,
    ssl_protocol: tls?.protocol ?? none,
    state: c.state,
    timeout: c.heartbeat,
    type: 'network',
    user: c.user,
  };
  // RabbitMQ: the client's connection_name (a longstr) is also reported on its own.
  const provided = clientProvidedName(c);
  if (provided !== undefined) out.user_provided_name = provided;
  out.user_who_performed_action = c.user;
  out.vhost = c.vhost;
  return out;
}

/**
 * The X-Reason header as text: Node reads header bytes as latin1, RabbitMQ passes them on as
 * they came, so UTF-8 bytes are read back as UTF-8.
 */
export function closeReason(req: FastifyRequest): string {
  const h = req.headers['x-reason'];
  const raw = Array.isArray(h) ? h[0] : h;
  if (raw === undefined) return DEFAULT_CLOSE_REASON;
  const bytes = Buffer.from(raw, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : raw;
}

/** `?disable_stats=true`: RabbitMQ answers from connection tracking, without statistics. */
export function statsDisabled(req: FastifyRequest): boolean {
  return (req.query as Record<string, unknown> | undefined)?.disable_stats === 'true';
}

type NameParams = { Params: { name: string } };
type UserParams = { Params: { user: string } };
type VhostParams = { Params: { vhost: string } };

/** Registers the connection routes. */
export async function connectionRoutes(app: FastifyInstance, opts: ConnectionRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));

  app.get('/api/connections', async (req) => {
    const conns = listConnections(admin, authenticate(admin, req));
    const items = statsDisabled(req) ? conns.map((c) => ({ ...trackedConnection(c) })) : conns.map((c) => connectionJson(c));
    return listReply(req, items, CONNECTION_SORT);
  });
  app.get<VhostParams>('/api/vhosts/:vhost/connections', async (req) =>
    listReply(
      req,
      listConnections(admin, authenticate(admin, req), req.params.vhost).map((c) => connectionJson(c)),
      CONNECTION_SORT,
    ),
  );

  app.get<UserParams>('/api/connections/username/:user', async (req) =>
    listReply(req, listUserConnections(admin, authenticate(admin, req), req.params.user).map((c) => ({ ...c })), CONNECTION_SORT),
  );
  app.delete<UserParams>('/api/connections/username/:user', async (req, reply) => {
    closeUserConnections(admin, authenticate(admin, req), req.params.user, closeReason(req));
    return reply.code(204).send();
  });

  app.get<NameParams>('/api/connections/:name', async (req) => {
    const c = getConnection(admin, authenticate(admin, req), req.params.name);
    return statsDisabled(req) ? { name: c.name } : connectionJson(c, true);
  });
  app.delete<NameParams>('/api/connections/:name', async (req, reply) => {
    closeConnection(admin, authenticate(admin, req), req.params.name, closeReason(req));
    return reply.code(204).send();
  });
}
