/**
 * The limits of one vhost (max-connections, max-queues) or one user (max-connections,
 * max-channels): current values with Clear, and a form to set one.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { ChoiceField, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { ErrorBox, Notice } from '../../components/error-box';
import { count } from '../../components/format';
import { Table } from '../../components/table';
import { useAction } from '../../state/use-action';

/** Whose limits. */
export type LimitScope = { vhost: string } | { user: string };

/** The limit names of a scope. */
export function limitNames(scope: LimitScope): string[] {
  return 'vhost' in scope ? ['max-connections', 'max-queues'] : ['max-connections', 'max-channels'];
}

/** Sets a limit of the scope. */
export function putLimit(scope: LimitScope, name: string, value: number): Promise<undefined> {
  return 'vhost' in scope ? api.putVhostLimit(scope.vhost, name, value) : api.putUserLimit(scope.user, name, value);
}

function deleteLimit(scope: LimitScope, name: string): Promise<undefined> {
  return 'vhost' in scope ? api.deleteVhostLimit(scope.vhost, name) : api.deleteUserLimit(scope.user, name);
}

/** The limits of `scope`, given as `values` (from /api/vhost-limits or /api/user-limits). */
export function LimitsPanel({ scope, values }: { scope: LimitScope; values: Record<string, number> | undefined }) {
  const names = limitNames(scope);
  const [name, setName] = useState(names[0]);
  const [value, setValue] = useState('');
  const set = useAction();
  const clear = useAction();
  const rows = Object.entries(values ?? {});
  return (
    <>
      <Table
        label="Limits"
        rows={rows}
        rowKey={([k]) => k}
        empty="No limits."
        columns={[
          { key: 'name', label: 'Limit', render: ([k]) => k },
          { key: 'value', label: 'Value', num: true, render: ([, v]) => (v < 0 ? 'unlimited' : count(v)) },
          {
            key: 'clear',
            label: '',
            render: ([k]) => (
              <button type="button" class="danger-outline small" disabled={clear.busy} onClick={() => void clear.run(() => deleteLimit(scope, k), `Limit ${k} cleared.`)}>
                Clear
              </button>
            ),
          },
        ]}
      />
      <Notice text={clear.notice} />
      <ErrorBox error={clear.error} context="Clear limit" />
      <ActionForm
        action={set}
        label="Set limit"
        submit="Set limit"
        onSubmit={() => {
          void set.run(async () => {
            const n = Number(value);
            if (value.trim() === '' || !Number.isInteger(n)) throw new Error(`Limit value '${value}' is not a whole number`);
            await putLimit(scope, name, n);
          }, `Limit ${name} set.`);
        }}
      >
        <ChoiceField label="Limit" value={name} options={names} onChange={setName} />
        <TextField label="Value" hint="A negative value means no limit; 0 refuses every new one." name="limit-value" inputMode="numeric" value={value} onChange={setValue} />
      </ActionForm>
    </>
  );
}
