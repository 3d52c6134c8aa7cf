/**
 * A queue: its facts, charts of its message counts and rates, consumers, bindings (add and
 * remove), publish to it, get messages (ack mode, encoding, count) with payload and properties,
 * purge and delete.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { GotMessage, JsonObject, Queue } from '../api/types';
import { LineChart, type ChartLine } from '../charts/line-chart';
import { useChart } from '../charts/use-chart';
import { AddBindingForm, BindingsTable } from '../components/bindings';
import { ActionForm } from '../components/action-form';
import { ChoiceField, ConfirmButton, Section, TextField } from '../components/controls';
import { ErrorBox, Notice } from '../components/error-box';
import { Features, queueBadges } from '../components/features';
import { bytes, count, rate, value } from '../components/format';
import { Link } from '../components/link';
import { PublishForm } from '../components/publish-form';
import { KeyValues, Table } from '../components/table';
import { href, navigate } from '../state/router';
import { useAction } from '../state/use-action';
import { usePoll } from '../state/use-poll';
import { chartRange, QUEUED_LINES, queuedInputs, RangePicker } from './overview';
import { QueueState } from './queues';

const RATE_LINES: ChartLine[] = [
  { label: 'Publish', color: '#e6a700' },
  { label: 'Deliver / get', color: '#2e9e44' },
  { label: 'Redeliver', color: '#d9534f' },
  { label: 'Ack', color: '#4c8bf5' },
];

function Args({ args }: { args: JsonObject | [] | undefined }) {
  if (args === undefined || Array.isArray(args) || Object.keys(args).length === 0) return <span class="muted">none</span>;
  return (
    <>
      {Object.entries(args).map(([k, v]) => (
        <div key={k}>
          <code>{k}</code>: {value(v)}
        </div>
      ))}
    </>
  );
}

function Details({ q }: { q: Queue }) {
  return (
    <KeyValues
      label="Queue details"
      items={[
        ['Type', q.type ?? 'classic'],
        ['Features', <Features key="f" badges={queueBadges(q)} />],
        ['State', <QueueState key="s" q={q} />],
        ['Policy', q.policy ?? ''],
        ['Operator policy', q.operator_policy ?? ''],
        ['Effective policy definition', <Args key="e" args={q.effective_policy_definition} />],
        ['Arguments', <Args key="a" args={q.arguments} />],
        ['Consumers', count(q.consumers)],
        ['Consumer capacity', q.consumer_capacity === undefined ? '' : `${Math.round(q.consumer_capacity * 100)}%`],
        ['Messages', <span key="m" data-testid="queue-messages">{count(q.messages)}</span>],
        ['Ready / unacked', `${count(q.messages_ready)} / ${count(q.messages_unacknowledged)}`],
        ['Message body bytes', bytes(q.message_bytes)],
        ['Memory', bytes(q.memory)],
      ]}
    />
  );
}

const ACK_MODES: [string, string][] = [
  ['ack_requeue_true', 'Nack message requeue true'],
  ['ack_requeue_false', 'Automatic ack'],
  ['reject_requeue_true', 'Reject requeue true'],
  ['reject_requeue_false', 'Reject requeue false'],
];

function GotMessages({ messages }: { messages: GotMessage[] }) {
  if (messages.length === 0) return <p class="muted" role="status">Queue is empty.</p>;
  return (
    <div class="messages" role="status">
      {messages.map((m, i) => {
        const { headers, ...props } = m.properties;
        return (
          <article class="message" key={i} aria-label={`Message ${i + 1}`}>
            <h3>Message {i + 1}</h3>
            <p class="muted small">The server reported {count(m.message_count)} messages remaining.</p>
            <KeyValues
              label={`Message ${i + 1}`}
              items={[
                ['Exchange', m.exchange === '' ? '(AMQP default)' : m.exchange],
                ['Routing key', m.routing_key],
                ['Redelivered', m.redelivered ? 'yes' : 'no'],
                ['Properties', <Args key="p" args={props} />],
                ['Headers', <Args key="h" args={headers as JsonObject | undefined} />],
                ['Payload', `${count(m.payload_bytes)} bytes, encoding: ${m.payload_encoding}`],
              ]}
            />
            <pre class="payload" data-testid="payload">
              {m.payload}
            </pre>
          </article>
        );
      })}
    </div>
  );
}

function GetMessagesForm({ vhost, name }: { vhost: string; name: string }) {
  const [ackmode, setAckmode] = useState('ack_requeue_true');
  const [encoding, setEncoding] = useState('auto');
  const [n, setN] = useState('1');
  const [messages, setMessages] = useState<GotMessage[] | null>(null);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      label="Get messages"
      submit="Get messages"
      after={messages !== null && <GotMessages messages={messages} />}
      onSubmit={() => {
        void action.run(async () => {
          const c = Number(n);
          if (!Number.isInteger(c) || c < 1) throw new Error(`Messages: '${n}' is not a positive whole number`);
          setMessages(await api.getMessages(vhost, name, { count: c, ackmode, encoding, truncate: 50000 }));
        });
      }}
    >
      <p class="muted small">Getting messages is a destructive action when the ack mode does not requeue them.</p>
      <ChoiceField label="Ack mode" value={ackmode} options={ACK_MODES} onChange={setAckmode} />
      <ChoiceField
        label="Encoding"
        value={encoding}
        options={[
          ['auto', 'Auto string / base64'],
          ['base64', 'base64'],
        ]}
        onChange={setEncoding}
      />
      <TextField label="Messages" name="get-count" inputMode="numeric" value={n} onChange={setN} />
    </ActionForm>
  );
}

/** The queue page. */
export function QueuePage({ vhost, name }: { vhost: string; name: string }) {
  const range = chartRange.value;
  const { data: q, error } = usePoll(() => api.queue(vhost, name, range), [range]);
  const bindings = usePoll(() => api.queueBindings(vhost, name), []);
  const lengths = useChart(q, () => queuedInputs(q), range.age, `${vhost}|${name}|l`);
  const rates = useChart(
    q,
    () => [
      { label: 'Publish', kind: 'counter', details: [q?.message_stats?.publish_details], current: undefined },
      { label: 'Deliver / get', kind: 'counter', details: [q?.message_stats?.deliver_get_details], current: undefined },
      { label: 'Redeliver', kind: 'counter', details: [q?.message_stats?.redeliver_details], current: undefined },
      { label: 'Ack', kind: 'counter', details: [q?.message_stats?.ack_details], current: undefined },
    ],
    range.age,
    `${vhost}|${name}|r`,
  );
  const [ifEmpty, setIfEmpty] = useState(false);
  const [ifUnused, setIfUnused] = useState(false);
  const purge = useAction();
  const del = useAction();
  return (
    <section>
      <p class="crumbs">
        <Link href="/queues">Queues</Link> › vhost <b>{vhost}</b>
      </p>
      <div class="page-head">
        <h1>
          Queue <span class="name">{name}</span>
        </h1>
        <RangePicker />
      </div>
      <ErrorBox error={error} context="Queue" />
      {q !== undefined && (
        <div class="charts">
          <section class="panel">
            <h2>Details</h2>
            <Details q={q} />
          </section>
          <section class="panel">
            <h2>Queued messages</h2>
            <LineChart label="Queued messages" lines={QUEUED_LINES} data={lengths} format={(v) => count(Math.round(v))} minMax={5} ageSeconds={range.age} />
            <h2>Message rates</h2>
            <LineChart label="Queue message rates" lines={RATE_LINES} data={rates} format={rate} height={140} ageSeconds={range.age} />
          </section>
        </div>
      )}
      <Section title={`Consumers (${count(q?.consumer_details?.length ?? q?.consumers ?? 0)})`}>
        <Table
          label="Consumers"
          rows={q?.consumer_details ?? []}
          rowKey={(c) => `${c.channel_details.name}\u0000${c.consumer_tag}`}
          empty="No consumers."
          columns={[
            { key: 'ch', label: 'Channel', render: (c) => <Link href={href('connections', c.channel_details.connection_name)}>{c.channel_details.name}</Link> },
            { key: 'tag', label: 'Consumer tag', render: (c) => <code>{c.consumer_tag}</code> },
            { key: 'ack', label: 'Ack required', render: (c) => (c.ack_required ? '●' : '○') },
            { key: 'excl', label: 'Exclusive', render: (c) => (c.exclusive ? '●' : '○') },
            { key: 'prefetch', label: 'Prefetch', num: true, render: (c) => count(c.prefetch_count) },
            { key: 'active', label: 'Active', render: (c) => (c.active === false ? '○' : '●') },
            { key: 'status', label: 'Activity status', render: (c) => c.activity_status ?? '' },
            { key: 'args', label: 'Arguments', render: (c) => <Args args={c.arguments} /> },
          ]}
        />
      </Section>
      <Section title="Bindings">
        <ErrorBox error={bindings.error} context="Bindings" />
        <BindingsTable label="Bindings to this queue" side="from" bindings={bindings.data ?? []} />
        <h3>Add binding to this queue</h3>
        <AddBindingForm vhost={vhost} scope={{ queue: name }} />
      </Section>
      <Section title="Publish message" closed>
        <PublishForm vhost={vhost} exchange="" routingKey={name} />
      </Section>
      <Section title="Get messages">
        <GetMessagesForm vhost={vhost} name={name} />
      </Section>
      <Section title="Purge and delete" closed>
        <div class="actions">
          <ConfirmButton label="Purge messages" confirmLabel="Yes, purge all ready messages" disabled={purge.busy} onConfirm={() => void purge.run(() => api.purgeQueue(vhost, name), 'Queue purged.')} />
          <Notice text={purge.notice} />
        </div>
        <ErrorBox error={purge.error} context="Purge" />
        <div class="actions">
          <label class="check">
            <input type="checkbox" checked={ifEmpty} onChange={(e) => setIfEmpty(e.currentTarget.checked)} /> Only if empty
          </label>
          <label class="check">
            <input type="checkbox" checked={ifUnused} onChange={(e) => setIfUnused(e.currentTarget.checked)} /> Only if unused (no consumers)
          </label>
          <ConfirmButton
            label="Delete queue"
            confirmLabel="Yes, delete the queue"
            disabled={del.busy}
            onConfirm={() =>
              void del.run(() => api.deleteQueue(vhost, name, { ifEmpty, ifUnused })).then((ok) => {
                if (ok) navigate('/queues');
              })
            }
          />
        </div>
        <ErrorBox error={del.error} context="Delete" />
      </Section>
    </section>
  );
}
