/**
 * Bindings: a table of them (with Unbind) and the forms that add one, used by the exchange
 * page (from this exchange to a queue or exchange) and the queue page (from an exchange).
 */
import { useState } from 'preact/hooks';
import { api, exchangeSegment } from '../api/endpoints';
import type { Binding } from '../api/types';
import { href } from '../state/router';
import { useAction } from '../state/use-action';
import { ActionForm } from './action-form';
import { ArgsEditor, rowsToObject, type ArgRow } from './args-editor';
import { Field, TextField } from './controls';
import { ErrorBox, Notice } from './error-box';
import { value } from './format';
import { Link } from './link';
import { Table, type Column } from './table';

function Args({ b }: { b: Binding }) {
  const entries = Object.entries(b.arguments);
  if (entries.length === 0) return null;
  return (
    <span class="args-inline">
      {entries.map(([k, v]) => (
        <span key={k} class="kv-pill">
          {k}: {value(v)}
        </span>
      ))}
    </span>
  );
}

function Endpoint({ vhost, name, kind }: { vhost: string; name: string; kind: 'queue' | 'exchange' }) {
  return kind === 'queue' ? (
    <Link href={href('queues', vhost, name)}>{name}</Link>
  ) : (
    <>
      <span class="muted small">exchange </span>
      <Link href={href('exchanges', vhost, exchangeSegment(name))}>{name === '' ? '(AMQP default)' : name}</Link>
    </>
  );
}

/** Which end of the bindings the table shows. */
export type BindingSide = 'to' | 'from';

/** The bindings, with an Unbind button each (none for the default exchange's implicit bindings). */
export function BindingsTable({ bindings, side, label }: { bindings: Binding[]; side: BindingSide; label: string }) {
  const action = useAction();
  const columns: Column<Binding>[] = [
    side === 'to'
      ? { key: 'to', label: 'To', render: (b) => <Endpoint vhost={b.vhost} name={b.destination} kind={b.destination_type} /> }
      : { key: 'from', label: 'From', render: (b) => <Endpoint vhost={b.vhost} name={b.source} kind="exchange" /> },
    { key: 'rk', label: 'Routing key', render: (b) => <code>{b.routing_key}</code> },
    { key: 'args', label: 'Arguments', render: (b) => <Args b={b} /> },
    {
      key: 'unbind',
      label: '',
      render: (b) =>
        b.source === '' ? (
          <span class="muted small" title="Every queue is bound to the default exchange by its name; this binding cannot be removed.">
            default binding
          </span>
        ) : (
          <button type="button" class="danger-outline small" disabled={action.busy} onClick={() => void action.run(() => api.deleteBinding(b), 'Binding removed.')}>
            Unbind
          </button>
        ),
    },
  ];
  return (
    <>
      <Table label={label} columns={columns} rows={bindings} rowKey={(b) => `${b.source}\u0000${b.destination_type}\u0000${b.destination}\u0000${b.properties_key}`} empty="No bindings." />
      <Notice text={action.notice} />
      <ErrorBox error={action.error} context="Unbind" />
    </>
  );
}

/** Where a new binding goes: from this exchange (to a queue or exchange named in the form), or to this queue (from an exchange named in the form). */
export type BindingFormScope = { exchange: string } | { queue: string };

/** "Add binding from this exchange" or "Add binding to this queue". */
export function AddBindingForm({ vhost, scope }: { vhost: string; scope: BindingFormScope }) {
  const fromExchange = 'exchange' in scope;
  const [kind, setKind] = useState<'q' | 'e'>('q');
  const [other, setOther] = useState('');
  const [rk, setRk] = useState('');
  const [args, setArgs] = useState<ArgRow[]>([]);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      submit="Bind"
      run={() => {
        const body = { routing_key: rk, arguments: rowsToObject(args) };
        return 'exchange' in scope ? api.addBinding(vhost, scope.exchange, kind, other, body) : api.addBinding(vhost, other, 'q', scope.queue, body);
      }}
      done="Binding added."
      reset={() => {
        setRk('');
        setArgs([]);
      }}
    >
      {fromExchange ? (
        <Field label="To">
          {(id) => (
            <span class="inline">
              <select aria-label="Destination type" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'q' | 'e')}>
                <option value="q">To queue</option>
                <option value="e">To exchange</option>
              </select>
              <input id={id} name="destination" value={other} onInput={(e) => setOther(e.currentTarget.value)} required placeholder="name" />
            </span>
          )}
        </Field>
      ) : (
        <TextField label="From exchange" name="source" value={other} required onChange={setOther} />
      )}
      <TextField label="Routing key" name="routing-key" value={rk} onChange={setRk} />
      <ArgsEditor label="Arguments" rows={args} onChange={setArgs} hints={[{ key: 'x-match', type: 'string', value: 'all', title: 'headers exchange: all or any' }]} />
    </ActionForm>
  );
}
