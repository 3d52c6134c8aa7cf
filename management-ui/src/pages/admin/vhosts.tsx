/**
 * Virtual hosts: the list (messages, rates, state) and the form to add one.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Vhost } from '../../api/types';
import { Field, Section } from '../../components/controls';
import { ErrorBox, Notice } from '../../components/error-box';
import { count, rate } from '../../components/format';
import { Link } from '../../components/link';
import { Table } from '../../components/table';
import { href } from '../../state/router';
import { useAction } from '../../state/use-action';
import { usePoll } from '../../state/use-poll';
import { loadVhostNames } from '../../state/vhosts';

function AddVhostForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [dqt, setDqt] = useState('');
  const action = useAction();
  return (
    <form
      class="form"
      onSubmit={(e) => {
        e.preventDefault();
        const n = name;
        void action.run(async () => {
          await api.putVhost(n, { description, tags, ...(dqt === '' ? {} : { default_queue_type: dqt }) });
          await loadVhostNames();
        }, `Virtual host '${n}' added.`).then((ok) => {
          if (ok) {
            setName('');
            setDescription('');
            setTags('');
          }
        });
      }}
    >
      <Field label="Name">{(id) => <input id={id} name="vhost-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />}</Field>
      <Field label="Description">{(id) => <input id={id} name="vhost-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}</Field>
      <Field label="Tags" hint="comma-separated">
        {(id) => <input id={id} name="vhost-tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />}
      </Field>
      <Field label="Default queue type">
        {(id) => (
          <select id={id} value={dqt} onChange={(e) => setDqt(e.currentTarget.value)}>
            <option value="">(broker default)</option>
            <option value="classic">classic</option>
            <option value="quorum">quorum</option>
            <option value="stream">stream</option>
          </select>
        )}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy}>
          Add virtual host
        </button>
        <Notice text={action.notice} />
      </div>
      <ErrorBox error={action.error} context="Add virtual host" />
    </form>
  );
}

/** The vhosts page. */
export function VhostsPage() {
  const { data, error } = usePoll(() => api.vhosts(), []);
  return (
    <section>
      <h1>Virtual hosts</h1>
      <ErrorBox error={error} context="Virtual hosts" />
      <Table<Vhost>
        label="Virtual hosts"
        rows={data ?? []}
        rowKey={(v) => v.name}
        empty={data === undefined ? 'Loading…' : 'No virtual hosts.'}
        columns={[
          { key: 'name', label: 'Name', render: (v) => <Link href={href('admin', 'vhosts', v.name)}>{v.name}</Link> },
          { key: 'description', label: 'Description', render: (v) => v.description ?? '' },
          { key: 'tags', label: 'Tags', render: (v) => (v.tags ?? []).join(', ') },
          { key: 'ready', label: 'Ready', num: true, render: (v) => count(v.messages_ready ?? 0) },
          { key: 'unacked', label: 'Unacked', num: true, render: (v) => count(v.messages_unacknowledged ?? 0) },
          { key: 'total', label: 'Total', num: true, render: (v) => count(v.messages ?? 0) },
          { key: 'publish', label: 'Publish', num: true, render: (v) => rate(v.message_stats?.publish_details?.rate ?? 0) },
          { key: 'deliver', label: 'Deliver / get', num: true, render: (v) => rate(v.message_stats?.deliver_get_details?.rate ?? 0) },
          { key: 'state', label: 'State', render: (v) => Object.values(v.cluster_state ?? {}).join(', ') },
        ]}
      />
      <Section title="Add a new virtual host">
        <AddVhostForm />
      </Section>
    </section>
  );
}
