/**
 * Permissions and topic permissions of one user (across vhosts) or one vhost (across users):
 * the table with Clear, and the form that sets them. Used by the user and vhost pages.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { Field } from '../../components/controls';
import { ErrorBox, Notice } from '../../components/error-box';
import { Link } from '../../components/link';
import { Table } from '../../components/table';
import { VhostSelect } from '../../components/vhost-field';
import { href } from '../../state/router';
import { useAction } from '../../state/use-action';
import { usePoll } from '../../state/use-poll';
import { vhostNames } from '../../state/vhosts';

/** Whose permissions: a user's or a vhost's. */
export type PermissionScope = { user: string } | { vhost: string };

function UserSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { data } = usePoll(() => api.users(), [], false);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">(choose a user)</option>
      {(data ?? []).map((u) => (
        <option key={u.name} value={u.name}>
          {u.name}
        </option>
      ))}
    </select>
  );
}

function firstVhost(): string {
  return vhostNames.value.includes('/') ? '/' : (vhostNames.value[0] ?? '/');
}

/** Permissions (configure, write, read) of the scope. */
export function PermissionsPanel({ scope }: { scope: PermissionScope }) {
  const isUser = 'user' in scope;
  const list = usePoll(() => (isUser ? api.userPermissions(scope.user) : api.vhostPermissions(scope.vhost)), []);
  const [other, setOther] = useState(isUser ? firstVhost() : '');
  const [configure, setConfigure] = useState('.*');
  const [write, setWrite] = useState('.*');
  const [read, setRead] = useState('.*');
  const set = useAction();
  const clear = useAction();
  const target = (o: string) => (isUser ? { vhost: o, user: scope.user } : { vhost: scope.vhost, user: o });
  return (
    <>
      <ErrorBox error={list.error} context="Permissions" />
      <Table
        label="Permissions"
        rows={list.data ?? []}
        rowKey={(p) => `${p.vhost}\u0000${p.user}`}
        empty="No permissions."
        columns={[
          isUser
            ? { key: 'vhost', label: 'Virtual host', render: (p) => <Link href={href('admin', 'vhosts', p.vhost)}>{p.vhost}</Link> }
            : { key: 'user', label: 'User', render: (p) => <Link href={href('admin', 'users', p.user)}>{p.user}</Link> },
          { key: 'configure', label: 'Configure regexp', render: (p) => <code>{p.configure}</code> },
          { key: 'write', label: 'Write regexp', render: (p) => <code>{p.write}</code> },
          { key: 'read', label: 'Read regexp', render: (p) => <code>{p.read}</code> },
          {
            key: 'clear',
            label: '',
            render: (p) => (
              <button type="button" class="danger-outline small" disabled={clear.busy} onClick={() => void clear.run(() => api.deletePermission(p.vhost, p.user), 'Permission cleared.')}>
                Clear
              </button>
            ),
          },
        ]}
      />
      <Notice text={clear.notice} />
      <ErrorBox error={clear.error} context="Clear permission" />
      <h3>Set permission</h3>
      <form
        class="form"
        aria-label="Set permission"
        onSubmit={(e) => {
          e.preventDefault();
          const t = target(other);
          void set.run(() => api.putPermission(t.vhost, t.user, { configure, write, read }), `Permission set for '${t.user}' in vhost '${t.vhost}'.`);
        }}
      >
        {isUser ? (
          <Field label="Virtual host">{(id) => <VhostSelect id={id} value={other} onChange={setOther} />}</Field>
        ) : (
          <Field label="User">{(id) => <UserSelect id={id} value={other} onChange={setOther} />}</Field>
        )}
        <Field label="Configure regexp">{(id) => <input id={id} name="configure" value={configure} onInput={(e) => setConfigure(e.currentTarget.value)} />}</Field>
        <Field label="Write regexp">{(id) => <input id={id} name="write" value={write} onInput={(e) => setWrite(e.currentTarget.value)} />}</Field>
        <Field label="Read regexp">{(id) => <input id={id} name="read" value={read} onInput={(e) => setRead(e.currentTarget.value)} />}</Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={set.busy || other === ''}>
            Set permission
          </button>
          <Notice text={set.notice} />
        </div>
        <ErrorBox error={set.error} context="Set permission" />
      </form>
    </>
  );
}

/** Topic permissions (exchange, write, read) of the scope. */
export function TopicPermissionsPanel({ scope }: { scope: PermissionScope }) {
  const isUser = 'user' in scope;
  const list = usePoll(() => (isUser ? api.userTopicPermissions(scope.user) : api.vhostTopicPermissions(scope.vhost)), []);
  const [other, setOther] = useState(isUser ? firstVhost() : '');
  const [exchange, setExchange] = useState('amq.topic');
  const [write, setWrite] = useState('.*');
  const [read, setRead] = useState('.*');
  const set = useAction();
  const clear = useAction();
  const target = (o: string) => (isUser ? { vhost: o, user: scope.user } : { vhost: scope.vhost, user: o });
  return (
    <>
      <ErrorBox error={list.error} context="Topic permissions" />
      <Table
        label="Topic permissions"
        rows={list.data ?? []}
        rowKey={(p) => `${p.vhost}\u0000${p.user}\u0000${p.exchange}`}
        empty="No topic permissions (topic exchanges allow every routing key)."
        columns={[
          isUser ? { key: 'vhost', label: 'Virtual host', render: (p) => p.vhost } : { key: 'user', label: 'User', render: (p) => p.user },
          { key: 'exchange', label: 'Exchange', render: (p) => p.exchange },
          { key: 'write', label: 'Write regexp', render: (p) => <code>{p.write}</code> },
          { key: 'read', label: 'Read regexp', render: (p) => <code>{p.read}</code> },
          {
            key: 'clear',
            label: '',
            render: (p) => (
              <button
                type="button"
                class="danger-outline small"
                title="Clears this user's topic permissions for every exchange of the vhost"
                disabled={clear.busy}
                onClick={() => void clear.run(() => api.deleteTopicPermissions(p.vhost, p.user), 'Topic permissions cleared.')}
              >
                Clear
              </button>
            ),
          },
        ]}
      />
      <Notice text={clear.notice} />
      <ErrorBox error={clear.error} context="Clear topic permissions" />
      <h3>Set topic permission</h3>
      <form
        class="form"
        aria-label="Set topic permission"
        onSubmit={(e) => {
          e.preventDefault();
          const t = target(other);
          void set.run(() => api.putTopicPermission(t.vhost, t.user, { exchange, write, read }), `Topic permission set for '${t.user}' in vhost '${t.vhost}'.`);
        }}
      >
        {isUser ? (
          <Field label="Virtual host">{(id) => <VhostSelect id={id} value={other} onChange={setOther} />}</Field>
        ) : (
          <Field label="User">{(id) => <UserSelect id={id} value={other} onChange={setOther} />}</Field>
        )}
        <Field label="Exchange">{(id) => <input id={id} name="topic-exchange" value={exchange} onInput={(e) => setExchange(e.currentTarget.value)} />}</Field>
        <Field label="Write regexp">{(id) => <input id={id} name="topic-write" value={write} onInput={(e) => setWrite(e.currentTarget.value)} />}</Field>
        <Field label="Read regexp">{(id) => <input id={id} name="topic-read" value={read} onInput={(e) => setRead(e.currentTarget.value)} />}</Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={set.busy || other === ''}>
            Set topic permission
          </button>
          <Notice text={set.notice} />
        </div>
        <ErrorBox error={set.error} context="Set topic permission" />
      </form>
    </>
  );
}
