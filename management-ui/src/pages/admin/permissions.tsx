/**
 * Permissions and topic permissions of one user (across vhosts) or one vhost (across users):
 * the table with Clear, and the form that sets them. Used by the user and vhost pages. The two
 * kinds differ only in their fields and calls, so one panel serves both.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Permission, TopicPermission } from '../../api/types';
import { ActionForm } from '../../components/action-form';
import { Choice, Field } from '../../components/controls';
import { ErrorBox, Notice } from '../../components/error-box';
import { Link } from '../../components/link';
import { Table, type Column } from '../../components/table';
import { useFormVhost, VhostField } from '../../components/vhost-field';
import { href } from '../../state/router';
import { useAction } from '../../state/use-action';
import { usePoll } from '../../state/use-poll';

/** Whose permissions: a user's or a vhost's. */
export type PermissionScope = { user: string } | { vhost: string };

/** A text field of the set form: its API key, label, input name and first value. */
interface PermField {
  key: string;
  label: string;
  name: string;
  initial: string;
}

/** What makes the two kinds different. */
interface PermKind<P extends { vhost: string; user: string }> {
  /** "Permission" or "Topic permission" (the heading, the form's name, the messages). */
  title: string;
  /** The table's accessible name and error context. */
  plural: string;
  empty: string;
  fields: PermField[];
  load: (scope: PermissionScope) => Promise<P[]>;
  put: (vhost: string, user: string, values: Record<string, string>) => Promise<unknown>;
  clear: (p: P) => Promise<unknown>;
  clearTitle?: string;
  clearedText: string;
  rowKey: (p: P) => string;
  /** The columns after the vhost or user one. */
  columns: Column<P>[];
}

const code = (k: string) => (p: object) => <code>{String((p as Record<string, unknown>)[k])}</code>;

const PERMISSIONS: PermKind<Permission> = {
  title: 'Permission',
  plural: 'Permissions',
  empty: 'No permissions.',
  fields: [
    { key: 'configure', label: 'Configure regexp', name: 'configure', initial: '.*' },
    { key: 'write', label: 'Write regexp', name: 'write', initial: '.*' },
    { key: 'read', label: 'Read regexp', name: 'read', initial: '.*' },
  ],
  load: (s) => ('user' in s ? api.userPermissions(s.user) : api.vhostPermissions(s.vhost)),
  put: (vhost, user, v) => api.putPermission(vhost, user, { configure: v.configure, write: v.write, read: v.read }),
  clear: (p) => api.deletePermission(p.vhost, p.user),
  clearedText: 'Permission cleared.',
  rowKey: (p) => `${p.vhost}\u0000${p.user}`,
  columns: [
    { key: 'configure', label: 'Configure regexp', render: code('configure') },
    { key: 'write', label: 'Write regexp', render: code('write') },
    { key: 'read', label: 'Read regexp', render: code('read') },
  ],
};

const TOPIC_PERMISSIONS: PermKind<TopicPermission> = {
  title: 'Topic permission',
  plural: 'Topic permissions',
  empty: 'No topic permissions (topic exchanges allow every routing key).',
  fields: [
    { key: 'exchange', label: 'Exchange', name: 'topic-exchange', initial: 'amq.topic' },
    { key: 'write', label: 'Write regexp', name: 'topic-write', initial: '.*' },
    { key: 'read', label: 'Read regexp', name: 'topic-read', initial: '.*' },
  ],
  load: (s) => ('user' in s ? api.userTopicPermissions(s.user) : api.vhostTopicPermissions(s.vhost)),
  put: (vhost, user, v) => api.putTopicPermission(vhost, user, { exchange: v.exchange, write: v.write, read: v.read }),
  // 3.10.8 has no per-exchange delete: this clears all the user's topic permissions in the vhost.
  clear: (p) => api.deleteTopicPermissions(p.vhost, p.user),
  clearTitle: "Clears this user's topic permissions for every exchange of the vhost",
  clearedText: 'Topic permissions cleared.',
  rowKey: (p) => `${p.vhost}\u0000${p.user}\u0000${p.exchange}`,
  columns: [
    { key: 'exchange', label: 'Exchange', render: (p) => p.exchange },
    { key: 'write', label: 'Write regexp', render: code('write') },
    { key: 'read', label: 'Read regexp', render: code('read') },
  ],
};

function UserSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { data } = usePoll(() => api.users(), [], false);
  return <Choice id={id} value={value} options={[['', '(choose a user)'], ...(data ?? []).map((u) => u.name)]} onChange={onChange} />;
}

function Panel<P extends { vhost: string; user: string }>({ kind, scope }: { kind: PermKind<P>; scope: PermissionScope }) {
  const isUser = 'user' in scope;
  const list = usePoll(() => kind.load(scope), []);
  const [vhost, setVhost] = useFormVhost();
  const [user, setUser] = useState('');
  const [other, setOther] = isUser ? [vhost, setVhost] : [user, setUser];
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(kind.fields.map((f) => [f.key, f.initial])));
  const set = useAction();
  const clear = useAction();
  const first: Column<P> = isUser
    ? { key: 'vhost', label: 'Virtual host', render: (p) => <Link href={href('admin', 'vhosts', p.vhost)}>{p.vhost}</Link> }
    : { key: 'user', label: 'User', render: (p) => <Link href={href('admin', 'users', p.user)}>{p.user}</Link> };
  const clearColumn: Column<P> = {
    key: 'clear',
    label: '',
    render: (p) => (
      <button type="button" class="danger-outline small" title={kind.clearTitle} disabled={clear.busy} onClick={() => void clear.run(() => kind.clear(p), kind.clearedText)}>
        Clear
      </button>
    ),
  };
  return (
    <>
      <ErrorBox error={list.error} context={kind.plural} />
      <Table label={kind.plural} rows={list.data ?? []} rowKey={kind.rowKey} empty={kind.empty} columns={[first, ...kind.columns, clearColumn]} />
      <Notice text={clear.notice} />
      <ErrorBox error={clear.error} context={`Clear ${kind.plural.toLowerCase()}`} />
      <h3>Set {kind.title.toLowerCase()}</h3>
      <ActionForm
        action={set}
        label={`Set ${kind.title.toLowerCase()}`}
        submit={`Set ${kind.title.toLowerCase()}`}
        disabled={other === ''}
        onSubmit={() => {
          const vhost = isUser ? other : scope.vhost;
          const user = isUser ? scope.user : other;
          void set.run(() => kind.put(vhost, user, values), `${kind.title} set for '${user}' in vhost '${vhost}'.`);
        }}
      >
        {isUser ? (
          <VhostField value={other} onChange={setOther} />
        ) : (
          <Field label="User">{(id) => <UserSelect id={id} value={other} onChange={setOther} />}</Field>
        )}
        {kind.fields.map((f) => (
          <Field key={f.key} label={f.label}>
            {(id) => <input id={id} name={f.name} value={values[f.key]} onInput={(e) => setValues({ ...values, [f.key]: e.currentTarget.value })} />}
          </Field>
        ))}
      </ActionForm>
    </>
  );
}

/** Permissions (configure, write, read) of the scope. */
export function PermissionsPanel({ scope }: { scope: PermissionScope }) {
  return <Panel kind={PERMISSIONS} scope={scope} />;
}

/** Topic permissions (exchange, write, read) of the scope. */
export function TopicPermissionsPanel({ scope }: { scope: PermissionScope }) {
  return <Panel kind={TOPIC_PERMISSIONS} scope={scope} />;
}
