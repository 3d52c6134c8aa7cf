/**
 * An exchange: its facts, a chart of its message rates, its bindings (from it and to it, with
 * add and remove), a publish form, and delete.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import { LineChart, type ChartLine } from '../charts/line-chart';
import { useChart } from '../charts/use-chart';
import { AddBindingForm, BindingsTable } from '../components/bindings';
import { ConfirmButton, Section } from '../components/controls';
import { ErrorBox } from '../components/error-box';
import { exchangeBadges, Features } from '../components/features';
import { rate, value } from '../components/format';
import { Link } from '../components/link';
import { PublishForm } from '../components/publish-form';
import { KeyValues } from '../components/table';
import { navigate } from '../state/router';
import { useAction } from '../state/use-action';
import { usePoll } from '../state/use-poll';
import { exchangeLabel } from './exchanges';
import { chartRange, RangePicker } from './overview';

const LINES: ChartLine[] = [
  { label: 'Publish in', color: '#e6a700' },
  { label: 'Publish out', color: '#2e9e44' },
];

/** The exchange page. */
export function ExchangePage({ vhost, name }: { vhost: string; name: string }) {
  const range = chartRange.value;
  const { data: x, error } = usePoll(() => api.exchange(vhost, name, range), [range]);
  const source = usePoll(() => api.exchangeBindings(vhost, name, 'source'), []);
  const destination = usePoll(() => api.exchangeBindings(vhost, name, 'destination'), []);
  const chart = useChart(
    x,
    () => [
      { label: 'Publish in', kind: 'counter', details: [x?.message_stats?.publish_in_details], current: undefined },
      { label: 'Publish out', kind: 'counter', details: [x?.message_stats?.publish_out_details], current: undefined },
    ],
    range.age,
    `${vhost}|${name}`,
  );
  const [ifUnused, setIfUnused] = useState(false);
  const del = useAction();
  const isDefault = name === '';
  return (
    <section>
      <p class="crumbs">
        <Link href="/exchanges">Exchanges</Link> › vhost <b>{vhost}</b>
      </p>
      <div class="page-head">
        <h1>
          Exchange <span class="name">{exchangeLabel(name)}</span>
        </h1>
        <RangePicker />
      </div>
      <ErrorBox error={error} context="Exchange" />
      {x !== undefined && (
        <div class="charts">
          <section class="panel">
            <h2>Details</h2>
            <KeyValues
              label="Exchange details"
              items={[
                ['Type', x.type],
                ['Features', <Features key="f" badges={exchangeBadges(x)} policy={x.policy} />],
                ['Policy', x.policy ?? ''],
                ['Arguments', Object.keys(x.arguments).length === 0 ? <span class="muted">none</span> : Object.entries(x.arguments).map(([k, v]) => <div key={k}>{k}: {value(v)}</div>)],
                ['Rate in', rate(x.message_stats?.publish_in_details?.rate ?? 0)],
                ['Rate out', rate(x.message_stats?.publish_out_details?.rate ?? 0)],
              ]}
            />
          </section>
          <section class="panel">
            <h2>Message rates</h2>
            <LineChart label="Exchange message rates" lines={LINES} data={chart} format={rate} ageSeconds={range.age} />
          </section>
        </div>
      )}
      <Section title="Bindings">
        {isDefault ? (
          <p class="muted">The default exchange is bound to every queue by the queue's name; it cannot be bound explicitly.</p>
        ) : (
          <>
            <h3>From this exchange</h3>
            <ErrorBox error={source.error} context="Bindings" />
            <BindingsTable label="Bindings from this exchange" side="to" bindings={source.data ?? []} />
            <h3>To this exchange</h3>
            <ErrorBox error={destination.error} context="Bindings" />
            <BindingsTable label="Bindings to this exchange" side="from" bindings={destination.data ?? []} />
            <h3>Add binding from this exchange</h3>
            <AddBindingForm vhost={vhost} scope={{ exchange: name }} />
          </>
        )}
      </Section>
      <Section title="Publish message">
        <PublishForm vhost={vhost} exchange={name} />
      </Section>
      {!isDefault && (
        <Section title="Delete this exchange" closed>
          <div class="actions">
            <label class="check">
              <input type="checkbox" checked={ifUnused} onChange={(e) => setIfUnused(e.currentTarget.checked)} /> Only if unused (no bindings)
            </label>
            <ConfirmButton
              label="Delete"
              confirmLabel="Yes, delete the exchange"
              disabled={del.busy}
              onConfirm={() =>
                void del.run(() => api.deleteExchange(vhost, name, ifUnused)).then((ok) => {
                  if (ok) navigate('/exchanges');
                })
              }
            />
          </div>
          <ErrorBox error={del.error} context="Delete" />
        </Section>
      )}
    </section>
  );
}
