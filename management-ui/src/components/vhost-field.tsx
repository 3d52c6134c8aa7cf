/**
 * A form's vhost field: a select of the vhosts the user can see, defaulting to the selector's
 * vhost (or the first one when "All" is selected).
 */
import { useState } from 'preact/hooks';
import { currentVhost } from '../state/vhost';
import { vhostNames } from '../state/vhosts';
import { Choice, Field } from './controls';

/** The vhost a new object goes to by default. */
export function defaultVhost(current: string): string {
  if (current !== '') return current;
  const names = vhostNames.value;
  return names.includes('/') ? '/' : (names[0] ?? '/');
}

/**
 * A form's vhost: the one chosen in its field, else defaultVhost() of the selector's vhost, worked
 * out on each render (so a form drawn before the vhost list arrived does not keep '/' for a user
 * who cannot reach '/').
 */
export function useFormVhost(initial = ''): [string, (v: string) => void] {
  const [chosen, setChosen] = useState(initial);
  return [chosen !== '' ? chosen : defaultVhost(currentVhost.value), setChosen];
}

/** The select. */
export function VhostSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const names = vhostNames.value.includes(value) || value === '' ? vhostNames.value : [value, ...vhostNames.value];
  return <Choice id={id} value={value} options={names} onChange={onChange} />;
}

/** The labelled vhost field of a form. */
export function VhostField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return <Field label="Virtual host">{(id) => <VhostSelect id={id} value={value} onChange={onChange} />}</Field>;
}
