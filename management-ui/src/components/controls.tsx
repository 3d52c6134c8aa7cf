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

/**
 * A labelled select between two choices for a boolean flag: No / Yes by default, other words
 * (Transient / Durable) where they say more; `yesFirst` lists the true choice first.
 */
export function BoolField(props: { label: string; hint?: string; value: boolean; onChange: (value: boolean) => void; yes?: string; no?: string; yesFirst?: boolean }) {
  const yes = <option value="yes">{props.yes ?? 'Yes'}</option>;
  const no = <option value="no">{props.no ?? 'No'}</option>;
  return (
    <Field label={props.label} hint={props.hint}>
      {(id) => (
        <select id={id} value={props.value ? 'yes' : 'no'} onChange={(e) => props.onChange(e.currentTarget.value === 'yes')}>
          {props.yesFirst === true ? [yes, no] : [no, yes]}
        </select>
      )}
    </Field>
  );
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
