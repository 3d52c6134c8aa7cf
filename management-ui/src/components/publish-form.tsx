/**
 * "Publish message": routing key, delivery mode, headers, properties and payload, sent through
 * POST /api/exchanges/{vhost}/{exchange}/publish; the answer says whether it was routed.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/endpoints';
import type { JsonObject } from '../api/types';
import { useAction } from '../state/use-action';
import { ArgsEditor, rowsToObject, type ArgHint, type ArgRow } from './args-editor';
import { ChoiceField, type ChoiceOption, Field, TextField } from './controls';
import { ActionForm } from './action-form';

const PROPERTY_HINTS: ArgHint[] = [
  { key: 'content_type', type: 'string', value: 'application/json', title: 'MIME type of the payload' },
  { key: 'content_encoding', type: 'string', title: 'Encoding of the payload (gzip...)' },
  { key: 'priority', type: 'number', title: 'Message priority (priority queues)' },
  { key: 'correlation_id', type: 'string', title: 'Correlates a reply with its request' },
  { key: 'reply_to', type: 'string', title: 'Queue to reply to' },
  { key: 'expiration', type: 'string', title: 'Per-message TTL in ms (a string)' },
  { key: 'message_id', type: 'string', title: 'Application message id' },
  { key: 'timestamp', type: 'number', title: 'Seconds since the epoch' },
  { key: 'type', type: 'string', title: 'Application message type' },
  { key: 'user_id', type: 'string', title: 'Must be the publishing user' },
  { key: 'app_id', type: 'string', title: 'Publishing application' },
];

const DELIVERY_MODES: ChoiceOption[] = [
  ['1', '1 - Non-persistent'],
  ['2', '2 - Persistent'],
];
const ENCODINGS: ChoiceOption[] = [
  ['string', 'String (UTF-8)'],
  ['base64', 'Base64'],
];

/** Props of PublishForm. */
export interface PublishFormProps {
  vhost: string;
  exchange: string;
  /** A fixed routing key (the queue page publishes to its queue through the default exchange). */
  routingKey?: string;
}

/** The form. */
export function PublishForm({ vhost, exchange, routingKey }: PublishFormProps) {
  const [rk, setRk] = useState(routingKey ?? '');
  const [persistent, setPersistent] = useState(false);
  const [headers, setHeaders] = useState<ArgRow[]>([]);
  const [props, setProps] = useState<ArgRow[]>([]);
  const [payload, setPayload] = useState('');
  const [encoding, setEncoding] = useState<'string' | 'base64'>('string');
  const [result, setResult] = useState<boolean | null>(null);
  const action = useAction();
  return (
    <ActionForm
      action={action}
      label="Publish message"
      submit="Publish message"
      context="Publish"
      result={
        result !== null && (
          <span role="status" class={result ? 'notice' : 'warning'} data-testid="publish-result">
            {result ? 'Message published and routed.' : 'Message published, but not routed: no queue matched.'}
          </span>
        )
      }
      onSubmit={() => {
        setResult(null);
        void action.run(async () => {
          const properties: JsonObject = { delivery_mode: persistent ? 2 : 1, ...rowsToObject(props, 'property') };
          const h = rowsToObject(headers, 'header');
          if (Object.keys(h).length > 0) properties.headers = h;
          const r = await api.publish(vhost, exchange, { properties, routing_key: routingKey ?? rk, payload, payload_encoding: encoding });
          setResult(r.routed);
        });
      }}
    >
      {routingKey === undefined ? (
        <TextField label="Routing key" name="publish-routing-key" value={rk} onChange={setRk} />
      ) : (
        <p class="muted">Published to the default exchange with routing key <code>{routingKey}</code>, so it goes to this queue.</p>
      )}
      <ChoiceField label="Delivery mode" value={persistent ? '2' : '1'} options={DELIVERY_MODES} onChange={(v) => setPersistent(v === '2')} />
      <ArgsEditor label="Headers" rows={headers} onChange={setHeaders} />
      <ArgsEditor label="Properties" rows={props} onChange={setProps} hints={PROPERTY_HINTS} />
      <Field label="Payload">{(id) => <textarea id={id} name="payload" rows={5} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />}</Field>
      <ChoiceField label="Payload encoding" value={encoding} options={ENCODINGS} onChange={(v) => setEncoding(v === 'base64' ? 'base64' : 'string')} />
    </ActionForm>
  );
}
