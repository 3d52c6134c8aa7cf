/**
 * Small form building blocks: a labelled field, a two-step button for destructive actions
 * (first press asks, second does it; no browser dialog), a collapsible section.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

let fieldSeq = 0;

/** A label and its control on one row of a form. `children` is called with the control's id. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const [id] = useState(() => `f${++fieldSeq}`);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="control">
        {children(id)}
        {hint !== undefined && <small class="hint-text">{hint}</small>}
      </div>
    </div>
  );
}

/** A labelled text input on one row of a form. */
export function TextField(props: {
  label: string;
  hint?: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  required?: boolean;
  /** A password field (hidden text); otherwise a text field (a number is checked by the caller, as the API would). */
  password?: boolean;
  placeholder?: string;
  inputMode?: 'numeric';
  autoComplete?: string;
}) {
  const p = props;
  const attrs = { name: p.name, value: p.value, required: p.required, placeholder: p.placeholder, inputMode: p.inputMode, autoComplete: p.autoComplete };
  const onInput = (e: { currentTarget: HTMLInputElement }) => p.onChange(e.currentTarget.value);
  return <Field label={p.label} hint={p.hint}>{(id) => (p.password === true ? <input id={id} type="password" {...attrs} onInput={onInput} /> : <input id={id} {...attrs} onInput={onInput} />)}</Field>;
}

/** A choice: a value, or a value and the text shown for it. */
export type ChoiceOption = string | [value: string, label: string];

/** A select of string choices. */
export function Choice({ id, value, options, onChange, label }: { id?: string; value: string; options: readonly ChoiceOption[]; onChange: (v: string) => void; label?: string }) {
  return (
    <select id={id} value={value} aria-label={label} onChange={(e) => onChange(e.currentTarget.value)}>
      {options.map((o) => {
        const [v, text] = typeof o === 'string' ? [o, o] : o;
        return (
          <option key={v} value={v}>
            {text}
          </option>
        );
      })}
    </select>
  );
}

/** A labelled Choice on one row of a form. */
export function ChoiceField(props: { label: string; hint?: string; value: string; options: readonly ChoiceOption[]; onChange: (v: string) => void }) {
  return <Field label={props.label} hint={props.hint}>{(id) => <Choice id={id} value={props.value} options={props.options} onChange={props.onChange} />}</Field>;
}

/**
 * A labelled select between two choices for a boolean flag: No / Yes by default, other words
 * (Transient / Durable) where they say more; `yesFirst` lists the true choice first.
 */
export function BoolField(props: { label: string; hint?: string; value: boolean; onChange: (value: boolean) => void; yes?: string; no?: string; yesFirst?: boolean }) {
  const yes: ChoiceOption = ['yes', props.yes ?? 'Yes'];
  const no: ChoiceOption = ['no', props.no ?? 'No'];
  return <ChoiceField label={props.label} hint={props.hint} value={props.value ? 'yes' : 'no'} options={props.yesFirst === true ? [yes, no] : [no, yes]} onChange={(v) => props.onChange(v === 'yes')} />;
}

/** A button that asks once more before `onConfirm` runs. */
export function ConfirmButton({ label, confirmLabel, onConfirm, disabled }: { label: string; confirmLabel?: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  return asking ? (
    <span class="confirm">
      <button type="button" class="danger" disabled={disabled} onClick={() => {
        setAsking(false);
        onConfirm();
      }}>
        {confirmLabel ?? `Yes, ${label.toLowerCase()}`}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button type="button" class="danger-outline" disabled={disabled} onClick={() => setAsking(true)}>
      {label}
    </button>
  );
}

/** A titled section that can be folded away (open unless `closed`). */
export function Section({ title, children, closed, id }: { title: string; children: ComponentChildren; closed?: boolean; id?: string }) {
  return (
    <details class="section" open={!closed} id={id}>
      <summary>
        <h2>{title}</h2>
      </summary>
      <div class="section-body">{children}</div>
    </details>
  );
}
