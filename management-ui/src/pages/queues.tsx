/**
 * Queues: the list, paged, sorted and filtered by the API (only the page shown is fetched),
 * with type, features, state, message counts and rates; and the form to add a queue with the
 * arguments RabbitMQ's UI offers as hints.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { Queue } from '../api/types';
import { ArgsEditor, QUEUE_ARG_HINTS, rowsToObject, type ArgRow } from '../components/args-editor';
import { BoolField, ChoiceField, Section, TextField } from '../components/controls';
import { ActionForm } from '../components/action-form';
import { Features, queueBadges } from '../components/features';
import { count, rate } from '../components/format';
import { Link } from '../components/link';
import { ListPage } from '../components/paged-table';
import type { Column } from '../components/table';
import { useFormVhost, VhostField } from '../components/vhost-field';
import { href } from '../state/router';
import { useAction } from '../state/use-action';
import { usePagedList } from '../state/use-paged-list';
import { currentVhost } from '../state/vhost';

/** The queue's state as RabbitMQ's UI shows it (idle when it has been idle). */
export function QueueState({ q }: { q: Queue }) {
  const s = q.state ?? 'running';
  const shown = s === 'running' && q.idle_since !== undefined ? 'idle' : s;
  return <span class={`state state-${shown}`}>{shown}</span>;
}

function columns(all: boolean): Column<Queue>[] {
  const cols: Column<Queue>[] = [];
  if (all) cols.push({ key: 'vhost', label: 'Vhost', sort: 'vhost', render: (q) => q.vhost });
  cols.push(
    { key: 'name', label: 'Name', sort: 'name', render: (q) => <Link href={href('queues', q.vhost, q.name)}>{q.name}</Link> },
    { key: 'type', label: 'Type', sort: 'type', render: (q) => q.type ?? 'classic' },
    { key: 'features', label: 'Features', title: 'D durable, AD auto-delete, Excl exclusive, TTL, DLX, Lim, Pri, SAC: hover for details', render: (q) => <Features badges={queueBadges(q)} policy={q.policy} /> },
    { key: 'state', label: 'State', sort: 'state', render: (q) => <QueueState q={q} /> },
    { key: 'ready', label: 'Ready', num: true, sort: 'messages_ready', render: (q) => count(q.messages_ready) },
    { key: 'unacked', label: 'Unacked', num: true, sort: 'messages_unacknowledged', render: (q) => count(q.messages_unacknowledged) },
    { key: 'total', label: 'Total', num: true, sort: 'messages', render: (q) => count(q.messages) },
    { key: 'in', label: 'Incoming', title: 'Publish rate', num: true, sort: 'message_stats.publish_details.rate', render: (q) => rate(q.message_stats?.publish_details?.rate ?? 0) },
    { key: 'deliver', label: 'Deliver / get', num: true, sort: 'message_stats.deliver_get_details.rate', render: (q) => rate(q.message_stats?.deliver_get_details?.rate ?? 0) },
    { key: 'ack', label: 'Ack', num: true, sort: 'message_stats.ack_details.rate', render: (q) => rate(q.message_stats?.ack_details?.rate ?? 0) },
  );
  return cols;
}

/** The add-queue form. */
export function AddQueueForm() {
  const [vhost, setVhost] = useFormVhost();
  const [name, setName] = useState('');
  const [type, setType] = useState('classic');
  const [durable, setDurable] = useState(true);
  const [autoDelete, setAutoDelete] = useState(false);
  const [args, setArgs] = useState<ArgRow[]>([]);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      submit="Add queue"
      run={async () => {
        const a = rowsToObject(args);
        if (type !== 'classic') a['x-queue-type'] = type;
        await api.putQueue(vhost, name, { durable, auto_delete: autoDelete, arguments: a });
      }}
      done={`Queue '${name}' added.`}
      reset={() => {
        setName('');
        setArgs([]);
      }}
    >
      <VhostField value={vhost} onChange={setVhost} />
      <ChoiceField
        label="Type"
        hint="Warren has classic queues; quorum and stream are refused as by a broker without them."
        value={type}
        options={[
          ['classic', 'Classic'],
          ['quorum', 'Quorum'],
          ['stream', 'Stream'],
        ]}
        onChange={setType}
      />
      <TextField label="Name" name="queue-name" value={name} required onChange={setName} />
      <BoolField label="Durability" value={durable} onChange={setDurable} yes="Durable" no="Transient" yesFirst />
      <BoolField label="Auto delete" hint="Deleted when its last consumer unsubscribes." value={autoDelete} onChange={setAutoDelete} />
      <ArgsEditor label="Arguments" rows={args} onChange={setArgs} hints={QUEUE_ARG_HINTS} />
    </ActionForm>
  );
}

/** The queues page. */
export function QueuesPage() {
  const vhost = currentVhost.value;
  const list = usePagedList('queues', (p) => api.queues(vhost, p), { deps: [vhost] });
  return (
    <ListPage list={list} label="Queues" what="queues" columns={columns(vhost === '')} rowKey={(q) => `${q.vhost}\u0000${q.name}`}>
      <Section title="Add a new queue" closed>
        <AddQueueForm />
      </Section>
    </ListPage>
  );
}
