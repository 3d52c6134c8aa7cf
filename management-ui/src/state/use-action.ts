/**
 * useAction: a button's or form's call, its "busy" flag, the error to show beside it and a
 * success line. After success the caller's `then` runs (typically a reload of the page's data).
 */
import { useState } from 'preact/hooks';
import { refreshNow } from './refresh';

/** What useAction gives a form. */
export interface Action {
  busy: boolean;
  error: Error | undefined;
  notice: string;
  /** Runs `fn`; on success shows `done` (if any), calls `then` (a form resets its fields) and refreshes the page's data. */
  run: (fn: () => Promise<unknown>, done?: string, then?: () => void) => Promise<boolean>;
  clear: () => void;
}

/** A form's action state. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [notice, setNotice] = useState('');
  return {
    busy,
    error,
    notice,
    clear: () => {
      setError(undefined);
      setNotice('');
    },
    run: async (fn, done = '', then) => {
      setBusy(true);
      setError(undefined);
      setNotice('');
      try {
        await fn();
        setNotice(done);
        then?.();
        refreshNow();
        return true;
      } catch (e) {
        setError(e instanceof Error ? e : new Error(String(e)));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}
