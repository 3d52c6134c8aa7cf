/**
 * <ActionForm>: a form whose submit runs one API call through useAction: the fields, then the
 * submit button (disabled while the call runs), the success line beside it and the API's error
 * under it, so an error is always shown by the form that caused it.
 */
import type { ComponentChildren } from 'preact';
import type { Action } from '../state/use-action';
import { ErrorBox, Notice } from './error-box';

/** Props of ActionForm. */
export interface ActionFormProps {
  action: Action;
  /** The submit button's text. */
  submit: string;
  /** Called on submit (the browser's submit is prevented); without it, `run` runs through the action. */
  onSubmit?: () => void;
  /** The call a submit makes (when there is no onSubmit). */
  run?: () => Promise<unknown>;
  /** The success line after `run`. */
  done?: string;
  /** Called after `run` succeeded (the form clears its fields). */
  reset?: () => void;
  children: ComponentChildren;
  /** The form's accessible name (makes it a landmark a test or screen reader finds). */
  label?: string;
  /** What the error line starts with (default: the submit text). */
  context?: string;
  /** The submit is a destructive one (red). */
  danger?: boolean;
  /** Disabled for another reason than a running call (a choice not made yet). */
  disabled?: boolean;
  /** Shown after the notice, in the actions row (a result of the call). */
  result?: ComponentChildren;
  /** Shown under the error (a result of the call that needs room). */
  after?: ComponentChildren;
}

/** The form. */
export function ActionForm(props: ActionFormProps) {
  const { action } = props;
  return (
    <form
      class="form"
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        if (props.onSubmit !== undefined) props.onSubmit();
        else if (props.run !== undefined) void action.run(props.run, props.done, props.reset);
      }}
    >
      {props.children}
      <div class="actions">
        <button type="submit" class={props.danger === true ? 'danger' : 'primary'} disabled={action.busy || props.disabled === true}>
          {props.submit}
        </button>
        <Notice text={action.notice} />
        {props.result}
      </div>
      <ErrorBox error={action.error} context={props.context ?? props.submit} />
      {props.after}
    </form>
  );
}
