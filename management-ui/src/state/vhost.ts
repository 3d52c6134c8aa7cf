/**
 * The vhost selector's choice ('' = all vhosts), kept for the tab like RabbitMQ's UI does.
 */
import { effect, signal } from '@preact/signals';

const KEY = 'warren.vhost';

/** The selected vhost; '' for all. */
export const currentVhost = signal<string>(sessionStorage.getItem(KEY) ?? '');

effect(() => {
  sessionStorage.setItem(KEY, currentVhost.value);
});
