/**
 * The vhosts the user can see (for the vhost selector and the forms' vhost fields), refreshed
 * with the page.
 */
import { signal } from '@preact/signals';
import { api } from '../api/endpoints';

/** Vhost names, sorted; empty until loaded. */
export const vhostNames = signal<string[]>([]);

/** Loads the vhost names now. */
export async function loadVhostNames(): Promise<void> {
  try {
    const vs = await api.vhosts();
    const names = vs.map((v) => v.name).sort();
    if (names.join('\u0000') !== vhostNames.value.join('\u0000')) vhostNames.value = names;
  } catch {
    // The page's own calls show the error; the selector keeps what it had.
  }
}
