/**
 * Connections: the list (paged, sorted and filtered by the API) with user, vhost, client, peer,
 * state (blocked and flow stand out), channels and data rates.
 */
import { api } from '../api/endpoints';
import type { Connection } from '../api/types';
import { bytes, count } from '../components/format';
import { Link } from '../components/link';
import { ListPage } from '../components/paged-table';
import type { Column } from '../components/table';
import { href } from '../state/router';
import { usePagedList } from '../state/use-paged-list';
import { currentVhost } from '../state/vhost';

/** A rate of bytes per second ("1.2 KiB/s"). */
export function byteRate(r: number | undefined): string {
  return r === undefined ? '' : `${bytes(Math.round(r))}/s`;
}

/** The state, with blocked/blocking/flow marked as RabbitMQ's UI does. */
export function ConnState({ state: s }: { state: string | undefined }) {
  const v = s ?? 'running';
  const title =
    v === 'blocked'
      ? 'blocked: a resource alarm stopped reading from this publishing connection'
      : v === 'blocking'
        ? 'blocking: will be blocked when it publishes (a resource alarm is on)'
        : v === 'flow'
          ? 'flow: publishing is being slowed down (credit flow)'
          : undefined;
  return (
    <span class={`state state-${v}`} title={title}>
      {v}
    </span>
  );
}

/** "amqplib 2.3.1" from the client properties. */
export function clientLabel(c: Connection): string {
  const p = c.client_properties;
  if (p === undefined) return '';
  return [p.product, p.version].filter((x) => typeof x === 'string' && x !== '').join(' ');
}

function columns(all: boolean): Column<Connection>[] {
  const cols: Column<Connection>[] = [];
  if (all) cols.push({ key: 'vhost', label: 'Vhost', sort: 'vhost', render: (c) => c.vhost });
  cols.push(
    {
      key: 'name',
      label: 'Name',
      sort: 'name',
      render: (c) => (
        <>
          <Link href={href('connections', c.name)}>{c.name}</Link>
          {c.client_properties?.connection_name !== undefined && <div class="muted small">{c.client_properties.connection_name}</div>}
        </>
      ),
    },
    { key: 'user', label: 'User', sort: 'user', render: (c) => c.user },
    { key: 'state', label: 'State', sort: 'state', render: (c) => <ConnState state={c.state} /> },
    { key: 'ssl', label: 'TLS', sort: 'ssl', render: (c) => (c.ssl === true ? (c.ssl_protocol ?? '●') : '○') },
    { key: 'protocol', label: 'Protocol', sort: 'protocol', render: (c) => c.protocol ?? '' },
    { key: 'client', label: 'Client', sort: 'client_properties.product', render: (c) => clientLabel(c) },
    { key: 'peer', label: 'Peer', sort: 'peer_host', render: (c) => `${c.peer_host ?? ''}:${c.peer_port ?? ''}` },
    { key: 'channels', label: 'Channels', num: true, sort: 'channels', render: (c) => count(c.channels) },
    { key: 'in', label: 'From client', num: true, sort: 'recv_oct_details.rate', render: (c) => byteRate(c.recv_oct_details?.rate ?? 0) },
    { key: 'out', label: 'To client', num: true, sort: 'send_oct_details.rate', render: (c) => byteRate(c.send_oct_details?.rate ?? 0) },
  );
  return cols;
}

/** The connections page. */
export function ConnectionsPage() {
  const vhost = currentVhost.value;
  const list = usePagedList('connections', (p) => api.connections(vhost, p), { deps: [vhost] });
  return <ListPage list={list} label="Connections" what="connections" columns={columns(vhost === '')} rowKey={(c) => c.name} />;
}
