/**
 * Limits: every vhost's and user's limits in one place, with Clear, and forms to set them.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { ChoiceField, Section } from '../../components/controls';
import { ErrorBox } from '../../components/error-box';
import { useFormVhost, VhostField } from '../../components/vhost-field';
import { usePoll } from '../../state/use-poll';
import { LimitsPanel } from './limits-panel';

/** The limits page. */
export function LimitsPage() {
  const vl = usePoll(() => api.vhostLimits(), []);
  const ul = usePoll(() => api.userLimits(), []);
  const users = usePoll(() => api.users(), [], false);
  const [vhost, setVhost] = useFormVhost();
  const [user, setUser] = useState('guest');
  return (
    <section>
      <h1>Limits</h1>
      <Section title="Virtual host limits">
        <ErrorBox error={vl.error} context="Virtual host limits" />
        <ul class="plain">
          {(vl.data ?? []).map((l) => (
            <li key={l.vhost}>
              <b>{l.vhost}</b>:{' '}
              {Object.entries(l.value)
                .map(([k, v]) => `${k} = ${v}`)
                .join(', ')}
            </li>
          ))}
          {vl.data !== undefined && vl.data.length === 0 && <li class="muted">No virtual host has limits.</li>}
        </ul>
        <VhostField value={vhost} onChange={setVhost} />
        <LimitsPanel key={vhost} scope={{ vhost }} values={vl.data?.find((l) => l.vhost === vhost)?.value} />
      </Section>
      <Section title="User limits">
        <ErrorBox error={ul.error} context="User limits" />
        <ul class="plain">
          {(ul.data ?? []).map((l) => (
            <li key={l.user}>
              <b>{l.user}</b>:{' '}
              {Object.entries(l.value)
                .map(([k, v]) => `${k} = ${v}`)
                .join(', ')}
            </li>
          ))}
          {ul.data !== undefined && ul.data.length === 0 && <li class="muted">No user has limits.</li>}
        </ul>
        <ChoiceField label="User" value={user} options={(users.data ?? [{ name: user }]).map((u) => u.name)} onChange={setUser} />
        <LimitsPanel key={user} scope={{ user }} values={ul.data?.find((l) => l.user === user)?.value} />
      </Section>
    </section>
  );
}
