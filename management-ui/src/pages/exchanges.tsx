/**
 * Exchanges: the list (paged, sorted and filtered by the API) with type, features (D, AD, I, AE)
 * and rates; and the form to add one.
 */
import { useState } from 'preact/hooks';
import { api, exchangeSegment } from '../api/endpoints';
import type { Exchange } from '../api/types';
import { ArgsEditor, EXCHANGE_ARG_HINTS, rowsToObject, type ArgRow } from '../components/args-editor';
import { BoolField, ChoiceField, Section, TextField } from '../components/controls';
import { ActionForm } from '../components/action-form';
import { exchangeBadges, Features } from '../components/features';
import { rate } from '../components/format';
import { Link } from '../components/link';
import { ListPage } from '../components/paged-table';
import type { Column } from '../components/table';
import { useFormVhost, VhostField } from '../components/vhost-field';
import { href } from '../state/router';
import { useAction } from '../state/use-action';
import { usePagedList } from '../state/use-paged-list';
import { usePoll } from '../state/use-poll';
import { currentVhost } from '../state/vhost';

/** How an exchange's name reads ("(AMQP default)" for ""). */
export function exchangeLabel(name: string): string {
  return name === '' ? '(AMQP default)' : name;
}

/** The link to an exchange's page. */
export function ExchangeLink({ vhost, name }: { vhost: string; name: string }) {
  return <Link href={href('exchanges', vhost, exchangeSegment(name))}>{exchangeLabel(name)}</Link>;
}

function columns(all: boolean): Column<Exchange>[] {
  const cols: Column<Exchange>[] = [];
  if (all) cols.push({ key: 'vhost', label: 'Vhost', sort: 'vhost', render: (x) => x.vhost });
  cols.push(
    { key: 'name', label: 'Name', sort: 'name', render: (x) => <ExchangeLink vhost={x.vhost} name={x.name} /> },
    { key: 'type', label: 'Type', sort: 'type', render: (x) => x.type },
    { key: 'features', label: 'Features', title: 'D durable, AD auto-delete, I internal, AE alternate exchange: hover for details', render: (x) => <Features badges={exchangeBadges(x)} policy={x.policy} /> },
    { key: 'in', label: 'Message rate in', num: true, sort: 'message_stats.publish_in_details.rate', render: (x) => rate(x.message_stats?.publish_in_details?.rate ?? 0) },
    { key: 'out', label: 'Message rate out', num: true, sort: 'message_stats.publish_out_details.rate', render: (x) => rate(x.message_stats?.publish_out_details?.rate ?? 0) },
  );
  return cols;
}

/** The exchange types offered (the broker's from /api/overview, else AMQP's four). */
function useExchangeTypes(): string[] {
  const { data } = usePoll(() => api.overview(), [], false);
  const types = data?.exchange_types?.filter((t) => t.enabled).map((t) => t.name);
  return types !== undefined && types.length > 0 ? types : ['direct', 'fanout', 'headers', 'topic'];
}

function AddExchangeForm() {
  const types = useExchangeTypes();
  const [vhost, setVhost] = useFormVhost();
  const [name, setName] = useState('');
  const [type, setType] = useState('direct');
  const [durable, setDurable] = useState(true);
  const [autoDelete, setAutoDelete] = useState(false);
  const [internal, setInternal] = useState(false);
  const [args, setArgs] = useState<ArgRow[]>([]);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      submit="Add exchange"
      run={() => api.putExchange(vhost, name, { type, durable, auto_delete: autoDelete, internal, arguments: rowsToObject(args) })}
      done={`Exchange '${name}' added.`}
      reset={() => {
        setName('');
        setArgs([]);
      }}
    >
      <VhostField value={vhost} onChange={setVhost} />
      <TextField label="Name" name="exchange-name" value={name} required onChange={setName} />
      <ChoiceField label="Type" value={type} options={types} onChange={setType} />
      <BoolField label="Durability" value={durable} onChange={setDurable} yes="Durable" no="Transient" yesFirst />
      <BoolField label="Auto delete" hint="Deleted when its last binding is removed." value={autoDelete} onChange={setAutoDelete} />
      <BoolField label="Internal" hint="Clients cannot publish to it directly, only other exchanges." value={internal} onChange={setInternal} />
      <ArgsEditor label="Arguments" rows={args} onChange={setArgs} hints={EXCHANGE_ARG_HINTS} />
    </ActionForm>
  );
}

/** The exchanges page. */
export function ExchangesPage() {
  const vhost = currentVhost.value;
  const list = usePagedList('exchanges', (p) => api.exchanges(vhost, p), { deps: [vhost] });
  return (
    <ListPage list={list} label="Exchanges" what="exchanges" columns={columns(vhost === '')} rowKey={(x) => `${x.vhost}\u0000${x.name}`}>
      <Section title="Add a new exchange" closed>
        <AddExchangeForm />
      </Section>
    </ListPage>
  );
}
