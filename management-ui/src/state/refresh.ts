/**
 * The refresh clock: a `tick` signal bumped every `interval` ms unless paused or the tab is
 * hidden. Pages re-fetch on each tick and keep showing the last answer until the next one
 * arrives, so nothing flickers and the scroll position stays.
 */
import { effect, signal } from '@preact/signals';

const KEY = 'warren.refresh';

/** The choices of the refresh menu, in ms. */
export const INTERVALS = [2000, 5000, 10000, 30000, 60000];

function loadInterval(): number {
  const v = Number(localStorage.getItem(KEY));
  return INTERVALS.includes(v) ? v : 5000;
}

/** Milliseconds between refreshes. */
export const interval = signal(loadInterval());
/** Refreshing paused by the user. */
export const paused = signal(false);
/** Bumped at each refresh; read it to re-run. */
export const tick = signal(0);
/** When the data was last refreshed (ms). */
export const lastRefresh = signal(Date.now());

const visible = signal(typeof document === 'undefined' || document.visibilityState !== 'hidden');
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    visible.value = document.visibilityState !== 'hidden';
  });
}

/** Refresh now (and restart the clock). */
export function refreshNow(): void {
  tick.value++;
  lastRefresh.value = Date.now();
}

effect(() => {
  localStorage.setItem(KEY, String(interval.value));
  if (paused.value || !visible.value) return;
  const id = setInterval(refreshNow, interval.value);
  return () => clearInterval(id);
});
