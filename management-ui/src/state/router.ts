/**
 * Client-side routing on the History API: /queues/%2F/orders is a real URL (the server answers
 * every non-/api path with index.html), so links can be opened in new tabs and bookmarked.
 */
import { signal } from '@preact/signals';

/** The current location: pathname (still URL-encoded) and search. */
export const location = signal({ path: window.location.pathname, search: window.location.search });

window.addEventListener('popstate', () => {
  location.value = { path: window.location.pathname, search: window.location.search };
});

/** Goes to `href` (a path on this origin); `replace` keeps the history entry. */
export function navigate(href: string, replace = false): void {
  const url = new URL(href, window.location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  location.value = { path: url.pathname, search: url.search };
  if (!replace) window.scrollTo(0, 0);
}

/** Path segments, each decoded ('/queues/%2F/q' -> ['queues', '/', 'q']); a trailing slash is dropped. */
export function segments(p: string): string[] {
  const parts = p.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

/** A path from raw segments, each encoded: href('queues', '/', 'q') -> '/queues/%2F/q'. */
export function href(...parts: string[]): string {
  return '/' + parts.map(encodeURIComponent).join('/');
}
