/**
 * A form's vhost field: a select of the vhosts the user can see, defaulting to the selector's
 * vhost (or the first one when "All" is selected).
 */
import { vhostNames } from '../state/vhosts';
import { Choice, Field } from './controls';

/** The vhost a new object goes to by default. */
export function defaultVhost(current: string): string {
  if (current !== '') return current;
  const names = vhostNames.value;
  return names.includes('/') ? '/' : (names[0] ?? '/');
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
