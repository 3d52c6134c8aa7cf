/**
 * Policies and operator policies: the lists (of the selected vhost, or all) with delete, and
 * the form to add or update one, with the definition keys as click-to-add hints. Operator
 * policies are for administrators only.
 */
import { useState } from 'preact/hooks';
import { api, type PolicyKind } from '../../api/endpoints';
import type { Policy } from '../../api/types';
import { ArgsEditor, objectToRows, OPERATOR_POLICY_HINTS, POLICY_HINTS, rowsToObject, type ArgRow } from '../../components/args-editor';
import { ChoiceField, type ChoiceOption, Section, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { ErrorBox, Notice } from '../../components/error-box';
import { value } from '../../components/format';
import { PagedTable } from '../../components/paged-table';
import { useFormVhost, VhostField } from '../../components/vhost-field';
import { can } from '../../state/session';
import { useAction } from '../../state/use-action';
import { usePagedList } from '../../state/use-paged-list';
import { currentVhost } from '../../state/vhost';

const APPLY_TO: Record<PolicyKind, string[]> = {
  policies: ['all', 'exchanges', 'queues', 'classic_queues', 'quorum_queues', 'streams'],
  'operator-policies': ['queues', 'classic_queues', 'quorum_queues', 'streams'],
};

function PolicyForm({ kind, editing }: { kind: PolicyKind; editing: Policy | null }) {
  const [vhost, setVhost] = useFormVhost(editing?.vhost);
  const [name, setName] = useState(editing?.name ?? '');
  const [pattern, setPattern] = useState(editing?.pattern ?? '');
  const [applyTo, setApplyTo] = useState(editing?.['apply-to'] ?? APPLY_TO[kind][0]);
  const [priority, setPriority] = useState(String(editing?.priority ?? 0));
  const [definition, setDefinition] = useState<ArgRow[]>(editing === null ? [] : objectToRows(editing.definition));
  const action = useAction();
  return (
    <ActionForm
      action={action}
      label={kind === 'policies' ? 'Add policy' : 'Add operator policy'}
      submit={kind === 'policies' ? 'Add / update policy' : 'Add / update operator policy'}
      context="Save"
      onSubmit={() => {
        const n = name;
        void action.run(async () => {
          const p = Number(priority);
          if (!Number.isInteger(p)) throw new Error(`Priority '${priority}' is not a whole number`);
          await api.putPolicy(kind, vhost, n, { pattern, definition: rowsToObject(definition, 'definition key'), priority: p, 'apply-to': applyTo });
        }, `${kind === 'policies' ? 'Policy' : 'Operator policy'} '${n}' saved.`);
      }}
    >
      <VhostField value={vhost} onChange={setVhost} />
      <TextField label="Name" name={`${kind}-name`} value={name} required onChange={setName} />
      <TextField label="Pattern" hint="A regular expression matched against queue and exchange names, e.g. ^orders\." name={`${kind}-pattern`} value={pattern} required onChange={setPattern} />
      <ChoiceField label="Apply to" value={applyTo} options={APPLY_TO[kind].map((a): ChoiceOption => [a, a.replace('_', ' ')])} onChange={setApplyTo} />
      <TextField label="Priority" hint="The policy with the highest priority applies." name={`${kind}-priority`} inputMode="numeric" value={priority} onChange={setPriority} />
      <ArgsEditor label="Definition" rows={definition} onChange={setDefinition} hints={kind === 'policies' ? POLICY_HINTS : OPERATOR_POLICY_HINTS} />
    </ActionForm>
  );
}

function PolicyList({ kind }: { kind: PolicyKind }) {
  const vhost = currentVhost.value;
  const list = usePagedList(kind, (p) => api.policies(kind, vhost, p), { deps: [vhost] });
  const [editing, setEditing] = useState<Policy | null>(null);
  const del = useAction();
  return (
    <>
      <PagedTable<Policy>
        list={list}
        label={kind === 'policies' ? 'Policies' : 'Operator policies'}
        what={kind === 'policies' ? 'policies' : 'operator policies'}
        rowKey={(p) => `${p.vhost}\u0000${p.name}`}
        columns={[
          { key: 'vhost', label: 'Virtual host', sort: 'vhost', render: (p) => p.vhost },
          { key: 'name', label: 'Name', sort: 'name', render: (p) => p.name },
          { key: 'pattern', label: 'Pattern', sort: 'pattern', render: (p) => <code>{p.pattern}</code> },
          { key: 'apply', label: 'Apply to', sort: 'apply-to', render: (p) => p['apply-to'] },
          {
            key: 'definition',
            label: 'Definition',
            render: (p) =>
              Object.entries(p.definition).map(([k, v]) => (
                <span key={k} class="kv-pill">
                  {k}: {value(v)}
                </span>
              )),
          },
          { key: 'priority', label: 'Priority', num: true, sort: 'priority', render: (p) => p.priority },
          {
            key: 'actions',
            label: '',
            render: (p) => (
              <span class="inline">
                <button type="button" class="small" onClick={() => setEditing(p)}>
                  Edit
                </button>
                <button type="button" class="danger-outline small" disabled={del.busy} onClick={() => void del.run(() => api.deletePolicy(kind, p.vhost, p.name), `'${p.name}' deleted.`)}>
                  Delete
                </button>
              </span>
            ),
          },
        ]}
      />
      <Notice text={del.notice} />
      <ErrorBox error={del.error} context="Delete" />
      <h3>{editing === null ? 'Add a policy' : `Edit '${editing.name}'`}</h3>
      <PolicyForm key={editing === null ? 'new' : `${editing.vhost}/${editing.name}`} kind={kind} editing={editing} />
    </>
  );
}

/** The policies page. */
export function PoliciesPage() {
  return (
    <section>
      <h1>Policies</h1>
      <Section title="User policies">
        <PolicyList kind="policies" />
      </Section>
      {can.administer.value && (
        <Section title="Operator policies" closed>
          <p class="muted">Operator policies cap what user policies and queue arguments set: for numeric limits the lower value wins.</p>
          <PolicyList kind="operator-policies" />
        </Section>
      )}
    </section>
  );
}
