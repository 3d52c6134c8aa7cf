/**
 * usePoll: a page's data, fetched now, again when its inputs change and on every refresh tick.
 * The last good answer stays on screen while the next is on its way (no flicker, no lost
 * scroll); an error is kept beside it until a call succeeds again. A tick while a call is still
 * running is skipped, so a slow broker is never asked twice at once.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { tick } from './refresh';

/** What usePoll gives a page. */
export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True until the first answer (or error) for the current inputs. */
  loading: boolean;
  /** Fetch again now (after a change the page made). */
  reload: () => void;
}

/** Polls `load`; `deps` are the inputs (path, page, sort...) that make a new request. */
export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], poll = true): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const running = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback((fresh: boolean) => {
    if (running.current && !fresh) return;
    const my = ++seq.current;
    running.current = true;
    loadRef.current().then(
      (v) => {
        if (my !== seq.current) return;
        running.current = false;
        setData(v);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (my !== seq.current) return;
        running.current = false;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setLoading(true);
    run(true);
  }, deps);

  const t = tick.value;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (poll) run(false);
  }, [t]);

  return { data, error, loading, reload: () => run(true) };
}
