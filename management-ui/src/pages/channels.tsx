/**
 * Channels: the list (paged, sorted and filtered by the API): mode (confirm, transactional),
 * state, prefetch, unacked and unconfirmed counts, message rates.
 */
import { api } from '../api/endpoints';
import type { Channel } from '../api/types';
import { count, rate } from '../components/format';
import { Link } from '../components/link';
import { ListPage } from '../components/paged-table';
import type { Column } from '../components/table';
import { href } from '../state/router';
import { usePagedList } from '../state/use-paged-list';
import { currentVhost } from '../state/vhost';
import { ConnState } from './connections';

/** C (confirm) and T (transactional), as RabbitMQ's UI marks a channel's mode. */
export function ChannelMode({ c }: { c: Channel }) {
  return (
    <span class="features">
      {c.confirm === true && (
        <abbr class="badge" title="confirm mode: publishes are confirmed">
          C
        </abbr>
      )}
      {c.transactional === true && (
        <abbr class="badge" title="transactional">
          T
        </abbr>
      )}
    </span>
  );
}

/** The columns of a channel table (also on the connection page). */
export function channelColumns(all: boolean, sortable: boolean): Column<Channel>[] {
  const s = (k: string) => (sortable ? k : undefined);
  const cols: Column<Channel>[] = [];
  if (all) cols.push({ key: 'vhost', label: 'Vhost', sort: s('vhost'), render: (c) => c.vhost });
  cols.push(
    { key: 'name', label: 'Channel', sort: s('name'), render: (c) => <Link href={href('connections', c.connection_details.name)}>{c.name}</Link> },
    { key: 'user', label: 'User', sort: s('user'), render: (c) => c.user },
    { key: 'mode', label: 'Mode', title: 'C confirm, T transactional', render: (c) => <ChannelMode c={c} /> },
    { key: 'state', label: 'State', sort: s('state'), render: (c) => <ConnState state={c.state} /> },
    { key: 'consumers', label: 'Consumers', num: true, sort: s('consumer_count'), render: (c) => count(c.consumer_count) },
    { key: 'prefetch', label: 'Prefetch', num: true, sort: s('prefetch_count'), render: (c) => count(c.prefetch_count) },
    { key: 'unacked', label: 'Unacked', num: true, sort: s('messages_unacknowledged'), render: (c) => count(c.messages_unacknowledged) },
    { key: 'unconfirmed', label: 'Unconfirmed', num: true, sort: s('messages_unconfirmed'), render: (c) => count(c.messages_unconfirmed) },
    { key: 'publish', label: 'Publish', num: true, sort: s('message_stats.publish_details.rate'), render: (c) => rate(c.message_stats?.publish_details?.rate ?? 0) },
    { key: 'confirm', label: 'Confirm', num: true, sort: s('message_stats.confirm_details.rate'), render: (c) => rate(c.message_stats?.confirm_details?.rate ?? 0) },
    { key: 'deliver', label: 'Deliver / get', num: true, sort: s('message_stats.deliver_get_details.rate'), render: (c) => rate(c.message_stats?.deliver_get_details?.rate ?? 0) },
    { key: 'ack', label: 'Ack', num: true, sort: s('message_stats.ack_details.rate'), render: (c) => rate(c.message_stats?.ack_details?.rate ?? 0) },
  );
  return cols;
}

/** The channels page. */
export function ChannelsPage() {
  const vhost = currentVhost.value;
  const list = usePagedList('channels', (p) => api.channels(vhost, p), { deps: [vhost] });
  return <ListPage list={list} label="Channels" what="channels" columns={channelColumns(vhost === '', true)} rowKey={(c) => c.name} />;
}
