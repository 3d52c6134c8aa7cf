/**
 * A user: tags and password (changing tags keeps the password: the current hash is sent back),
 * permissions and topic permissions per vhost, limits, delete.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { ConfirmButton, Field, Section, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { ErrorBox } from '../../components/error-box';
import { Link } from '../../components/link';
import { KeyValues } from '../../components/table';
import { navigate } from '../../state/router';
import { session, tagList } from '../../state/session';
import { useAction } from '../../state/use-action';
import { usePoll } from '../../state/use-poll';
import { LimitsPanel } from './limits-panel';
import { PermissionsPanel, TopicPermissionsPanel } from './permissions';
import { tagsBody, TagsInput } from './users';

/** The user page. */
export function UserPage({ name }: { name: string }) {
  const { data: u, error } = usePoll(() => api.user(name), []);
  const limits = usePoll(() => api.userLimits(), []);
  const [tags, setTags] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const update = useAction();
  const del = useAction();
  useEffect(() => {
    if (u !== undefined && tags === null) setTags(tagList(u.tags).join(', '));
  }, [u]);
  const self = session.value?.user === name;
  return (
    <section>
      <p class="crumbs">
        <Link href="/admin/users">Users</Link>
      </p>
      <h1>
        User <span class="name">{name}</span>
      </h1>
      <ErrorBox error={error} context="User" />
      {u !== undefined && (
        <KeyValues
          label="User details"
          items={[
            ['Tags', tagList(u.tags).join(', ') || <span class="muted">none</span>],
            ['Can log in with password', u.password_hash === '' ? 'no' : 'yes'],
          ]}
        />
      )}
      <Section title="Permissions">
        <PermissionsPanel scope={{ user: name }} />
      </Section>
      <Section title="Topic permissions" closed>
        <TopicPermissionsPanel scope={{ user: name }} />
      </Section>
      <Section title="Update this user">
        <ActionForm
          action={update}
          label="Update user"
          submit="Update user"
          disabled={u === undefined}
          onSubmit={() => {
            if (u === undefined) return;
            const t = tagsBody(tags ?? '');
            void update.run(
              () => api.putUser(name, password === '' ? { password_hash: u.password_hash, hashing_algorithm: u.hashing_algorithm, tags: t } : { password, tags: t }),
              password === '' ? 'Tags updated.' : 'Password and tags updated.',
              () => setPassword(''),
            );
          }}
        >
          <Field label="Tags">{(id) => <TagsInput id={id} value={tags ?? ''} onChange={setTags} />}</Field>
          <TextField label="New password" hint="Leave empty to keep the current password." name="change-password" password autoComplete="new-password" value={password} onChange={setPassword} />
        </ActionForm>
      </Section>
      <Section title="Limits" closed>
        <ErrorBox error={limits.error} context="Limits" />
        <LimitsPanel scope={{ user: name }} values={limits.data?.find((l) => l.user === name)?.value} />
      </Section>
      <Section title="Delete this user" closed>
        {self && <p class="warning">This is the user you are logged in as.</p>}
        <ConfirmButton
          label="Delete user"
          confirmLabel={`Yes, delete ${name}`}
          disabled={del.busy}
          onConfirm={() =>
            void del.run(() => api.deleteUser(name)).then((ok) => {
              if (ok) navigate('/admin/users');
            })
          }
        />
        <ErrorBox error={del.error} context="Delete user" />
      </Section>
    </section>
  );
}
