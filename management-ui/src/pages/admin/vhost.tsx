/**
 * A virtual host: its facts, permissions and topic permissions of its users, limits, delete.
 */
import { api } from '../../api/endpoints';
import { ConfirmButton, Section } from '../../components/controls';
import { ErrorBox } from '../../components/error-box';
import { count } from '../../components/format';
import { Link } from '../../components/link';
import { KeyValues } from '../../components/table';
import { navigate } from '../../state/router';
import { useAction } from '../../state/use-action';
import { usePoll } from '../../state/use-poll';
import { currentVhost } from '../../state/vhost';
import { loadVhostNames } from '../../state/vhosts';
import { LimitsPanel } from './limits-panel';
import { PermissionsPanel, TopicPermissionsPanel } from './permissions';

/** The vhost page. */
export function VhostPage({ name }: { name: string }) {
  const { data: v, error } = usePoll(() => api.vhost(name), []);
  const limits = usePoll(() => api.vhostLimits(), []);
  const del = useAction();
  return (
    <section>
      <p class="crumbs">
        <Link href="/admin/vhosts">Virtual hosts</Link>
      </p>
      <h1>
        Virtual host <span class="name">{name}</span>
      </h1>
      <ErrorBox error={error} context="Virtual host" />
      {v !== undefined && (
        <KeyValues
          label="Virtual host details"
          items={[
            ['Description', v.description ?? ''],
            ['Tags', (v.tags ?? []).join(', ')],
            ['Default queue type', v.default_queue_type ?? ''],
            ['Messages', `${count(v.messages ?? 0)} (${count(v.messages_ready ?? 0)} ready, ${count(v.messages_unacknowledged ?? 0)} unacked)`],
            ['State', Object.entries(v.cluster_state ?? {}).map(([n, s]) => `${n}: ${s}`).join(', ')],
          ]}
        />
      )}
      <Section title="Permissions">
        <PermissionsPanel scope={{ vhost: name }} />
      </Section>
      <Section title="Topic permissions" closed>
        <TopicPermissionsPanel scope={{ vhost: name }} />
      </Section>
      <Section title="Limits">
        <ErrorBox error={limits.error} context="Limits" />
        <LimitsPanel scope={{ vhost: name }} values={limits.data?.find((l) => l.vhost === name)?.value} />
      </Section>
      <Section title="Delete this virtual host" closed>
        <p class="warning">Deleting a virtual host deletes its queues, exchanges, bindings, permissions and messages, and closes its connections.</p>
        <ConfirmButton
          label="Delete virtual host"
          confirmLabel={`Yes, delete ${name} and everything in it`}
          disabled={del.busy}
          onConfirm={() =>
            void del.run(async () => {
              await api.deleteVhost(name);
              if (currentVhost.value === name) currentVhost.value = '';
              await loadVhostNames();
            }).then((ok) => {
              if (ok) navigate('/admin/vhosts');
            })
          }
        />
        <ErrorBox error={del.error} context="Delete virtual host" />
      </Section>
    </section>
  );
}
