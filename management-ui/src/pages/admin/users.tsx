/**
 * Users: the list (tags, the vhosts each can reach, whether it has a password) and the form to
 * add one, with the tags as click-to-add hints.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Permission, User } from '../../api/types';
import { Field, Section, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { ErrorBox } from '../../components/error-box';
import { Link } from '../../components/link';
import { PagedTable } from '../../components/paged-table';
import { href } from '../../state/router';
import { tagList } from '../../state/session';
import { useAction } from '../../state/use-action';
import { usePagedList } from '../../state/use-paged-list';
import { usePoll } from '../../state/use-poll';

/** The tags RabbitMQ knows, with what each allows. */
export const TAGS: [string, string][] = [
  ['administrator', 'Everything: users, vhosts, permissions, policies, definitions'],
  ['monitoring', 'Sees all connections, channels and node facts'],
  ['policymaker', 'Manages policies and parameters of its vhosts'],
  ['management', 'Uses the dashboard and API for its own vhosts'],
  ['impersonator', 'May publish with another user_id'],
];

/** A tags text field with click-to-add tag buttons. */
export function TagsInput({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const add = (t: string) => {
    const tags = tagList(value);
    if (!tags.includes(t)) onChange([...tags, t].join(', '));
  };
  return (
    <>
      <input id={id} name="tags" value={value} onInput={(e) => onChange(e.currentTarget.value)} placeholder="comma-separated" />
      <span class="hints">
        <span>Set:</span>
        {TAGS.map(([t, what]) => (
          <button type="button" class="hint" key={t} title={what} onClick={() => add(t)}>
            {t}
          </button>
        ))}
        <button type="button" class="hint" title="No tags: the user may use AMQP but not the dashboard" onClick={() => onChange('')}>
          none
        </button>
      </span>
    </>
  );
}

/** Tags joined for the API's PUT (it takes a comma-separated string). */
export function tagsBody(text: string): string {
  return tagList(text).join(',');
}

function AddUserForm() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [tags, setTags] = useState('');
  const action = useAction();
  return (
    <ActionForm
      action={action}
      submit="Add user"
      run={() => api.putUser(name, password === '' ? { password_hash: '', tags: tagsBody(tags) } : { password, tags: tagsBody(tags) })}
      done={`User '${name}' added.`}
      reset={() => {
        setName('');
        setPassword('');
        setTags('');
      }}
    >
      <TextField label="Username" name="new-username" autoComplete="off" value={name} required onChange={setName} />
      <TextField label="Password" hint="Leave empty for a user that cannot log in with a password." name="new-password" password autoComplete="new-password" value={password} onChange={setPassword} />
      <Field label="Tags">{(id) => <TagsInput id={id} value={tags} onChange={setTags} />}</Field>
    </ActionForm>
  );
}

/** The users page. */
export function UsersPage() {
  const users = usePagedList('users', (p) => api.usersPage(p));
  const perms = usePoll(() => api.permissions(), []);
  const byUser = new Map<string, Permission[]>();
  for (const p of perms.data ?? []) byUser.set(p.user, [...(byUser.get(p.user) ?? []), p]);
  return (
    <section>
      <h1>Users</h1>
      <ErrorBox error={perms.error} context="Permissions" />
      <PagedTable<User>
        list={users}
        label="Users"
        what="users"
        rowKey={(u) => u.name}
        columns={[
          { key: 'name', label: 'Name', sort: 'name', render: (u) => <Link href={href('admin', 'users', u.name)}>{u.name}</Link> },
          { key: 'tags', label: 'Tags', sort: 'tags', render: (u) => tagList(u.tags).join(', ') },
          {
            key: 'vhosts',
            label: 'Can access virtual hosts',
            render: (u) => {
              const ps = byUser.get(u.name) ?? [];
              return ps.length === 0 ? <span class="muted">No access</span> : ps.map((p) => p.vhost).sort().join(', ');
            },
          },
          { key: 'password', label: 'Has password', render: (u) => (u.password_hash === '' ? '○' : '●') },
        ]}
      />
      <Section title="Add a user">
        <AddUserForm />
      </Section>
    </section>
  );
}
