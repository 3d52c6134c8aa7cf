/**
 * Definitions: export (download a JSON file) and import (upload one) for the whole broker or
 * one vhost, through GET and POST /api/definitions[/{vhost}].
 */
import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { Choice, Field, Section, TextField } from '../../components/controls';
import { ActionForm } from '../../components/action-form';
import { useAction } from '../../state/use-action';
import { vhostNames } from '../../state/vhosts';

function VhostOrAll({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return <Choice id={id} value={value} options={[['', 'All (the whole broker)'], ...vhostNames.value]} onChange={onChange} />;
}

function defaultFileName(vhost: string): string {
  const d = new Date();
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return vhost === '' ? `warren-definitions-${day}.json` : `warren-definitions-${vhost.replace(/[^\w.-]+/g, '_')}-${day}.json`;
}

/** Saves `text` as a file named `name` (a download the browser offers). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportForm() {
  const [vhost, setVhost] = useState('');
  const [file, setFile] = useState('');
  const action = useAction();
  return (
    <ActionForm
      action={action}
      label="Export definitions"
      submit="Download broker definitions"
      context="Export"
      onSubmit={() => {
        void action.run(async () => {
          const text = await api.exportDefinitions(vhost);
          download(file === '' ? defaultFileName(vhost) : file, text);
        }, 'Definitions downloaded.');
      }}
    >
      <Field label="Virtual host">{(id) => <VhostOrAll id={id} value={vhost} onChange={setVhost} />}</Field>
      <TextField label="File name" name="export-file" value={file} placeholder={defaultFileName(vhost)} onChange={setFile} />
    </ActionForm>
  );
}

function ImportForm() {
  const [vhost, setVhost] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      label="Import definitions"
      submit="Upload broker definitions"
      context="Import"
      onSubmit={() => {
        const f = file;
        void action.run(async () => {
          if (f === null) throw new Error('Choose a definitions file first');
          const text = await f.text();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            throw new Error(`${f.name} is not JSON`);
          }
          await api.importDefinitions(vhost, json);
        }, `Definitions from ${f?.name ?? 'the file'} imported.`);
      }}
    >
      <Field label="Definitions file">
        {(id) => <input id={id} name="import-file" type="file" accept=".json,application/json" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
      </Field>
      <Field label="Virtual host" hint="A per-vhost file (exported from one vhost) goes into the vhost chosen here.">
        {(id) => <VhostOrAll id={id} value={vhost} onChange={setVhost} />}
      </Field>
    </ActionForm>
  );
}

/** The definitions page. */
export function DefinitionsPage() {
  return (
    <section>
      <h1>Definitions</h1>
      <p class="muted">Users, virtual hosts, permissions, policies, queues, exchanges and bindings as a JSON file RabbitMQ reads too. Import merges: what exists is kept or updated.</p>
      <Section title="Export definitions">
        <ExportForm />
      </Section>
      <Section title="Import definitions">
        <ImportForm />
      </Section>
    </section>
  );
}
