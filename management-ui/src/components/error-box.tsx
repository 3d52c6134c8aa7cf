/**
 * An API error shown where it happened: RabbitMQ's `error` and `reason` as they came, plainly.
 */
import { ApiError } from '../api/client';

/** Shows `error` (nothing when undefined). */
export function ErrorBox({ error, context }: { error: Error | undefined | null; context?: string }) {
  if (!error) return null;
  const status = error instanceof ApiError && error.status > 0 ? ` (HTTP ${error.status})` : '';
  return (
    <div class="error" role="alert">
      {context !== undefined && <strong>{context}: </strong>}
      <span class="error-text">{error.message}</span>
      {status}
    </div>
  );
}

/** A success line beside a form. */
export function Notice({ text }: { text: string }) {
  if (text === '') return null;
  return (
    <div class="notice" role="status">
      {text}
    </div>
  );
}
