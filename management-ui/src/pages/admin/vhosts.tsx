/**
 * Virtual hosts: the list (messages, rates, state) and the form to add one.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Vhost } from '../../api/types';
import { ChoiceField, Section, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { count, rate } from '../../components/format';
import { Link } from '../../components/link';
import { PagedTable } from '../../components/paged-table';
import { href } from '../../state/router';
import { useAction } from '../../state/use-action';
import { usePagedList } from '../../state/use-paged-list';
import { loadVhostNames } from '../../state/vhosts';

function AddVhostForm() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [dqt, setDqt] = useState('');
  const action = useAction();
  return (
    <ActionForm
      action={action}
      submit="Add virtual host"
      run={async () => {
        await api.putVhost(name, { description, tags, ...(dqt === '' ? {} : { default_queue_type: dqt }) });
        await loadVhostNames();
      }}
      done={`Virtual host '${name}' added.`}
      reset={() => {
        setName('');
        setDescription('');
        setTags('');
      }}
    >
      <TextField label="Name" name="vhost-name" value={name} required onChange={setName} />
      <TextField label="Description" name="vhost-description" value={description} onChange={setDescription} />
      <TextField label="Tags" hint="comma-separated" name="vhost-tags" value={tags} onChange={setTags} />
      <ChoiceField label="Default queue type" value={dqt} options={[['', '(broker default)'], 'classic', 'quorum', 'stream']} onChange={setDqt} />
    </ActionForm>
  );
}

/** The vhosts page. */
export function VhostsPage() {
  const list = usePagedList('vhosts', (p) => api.vhostsPage(p));
  return (
    <section>
      <h1>Virtual hosts</h1>
      <PagedTable<Vhost>
        list={list}
        label="Virtual hosts"
        what="virtual hosts"
        rowKey={(v) => v.name}
        columns={[
          { key: 'name', label: 'Name', sort: 'name', render: (v) => <Link href={href('admin', 'vhosts', v.name)}>{v.name}</Link> },
          { key: 'description', label: 'Description', sort: 'description', render: (v) => v.description ?? '' },
          { key: 'tags', label: 'Tags', render: (v) => (v.tags ?? []).join(', ') },
          { key: 'ready', label: 'Ready', num: true, sort: 'messages_ready', render: (v) => count(v.messages_ready ?? 0) },
          { key: 'unacked', label: 'Unacked', num: true, sort: 'messages_unacknowledged', render: (v) => count(v.messages_unacknowledged ?? 0) },
          { key: 'total', label: 'Total', num: true, sort: 'messages', render: (v) => count(v.messages ?? 0) },
          { key: 'publish', label: 'Publish', num: true, sort: 'message_stats.publish_details.rate', render: (v) => rate(v.message_stats?.publish_details?.rate ?? 0) },
          { key: 'deliver', label: 'Deliver / get', num: true, sort: 'message_stats.deliver_get_details.rate', render: (v) => rate(v.message_stats?.deliver_get_details?.rate ?? 0) },
          { key: 'state', label: 'State', render: (v) => Object.values(v.cluster_state ?? {}).join(', ') },
        ]}
      />
      <Section title="Add a new virtual host">
        <AddVhostForm />
      </Section>
    </section>
  );
}
