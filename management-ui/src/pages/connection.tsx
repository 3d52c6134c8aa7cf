/**
 * A connection: its facts, the client's properties, its channels, and "force close" with a
 * reason (DELETE /api/connections/{name} with X-Reason; the client gets 320 CONNECTION_FORCED
 * with that text).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { JsonObject } from '../api/types';
import { ActionForm } from '../components/action-form';
import { Section, TextField } from '../components/controls';
import { ErrorBox } from '../components/error-box';
import { count, timestamp, value } from '../components/format';
import { Link } from '../components/link';
import { KeyValues, Table } from '../components/table';
import { navigate } from '../state/router';
import { useAction } from '../state/use-action';
import { usePoll } from '../state/use-poll';
import { channelColumns } from './channels';
import { byteRate, clientLabel, ConnState } from './connections';

function Props({ props }: { props: JsonObject }) {
  return (
    <KeyValues
      label="Client properties"
      items={Object.entries(props).map(([k, v]) => [
        k,
        v !== null && typeof v === 'object' && !Array.isArray(v) ? <Props key={k} props={v as JsonObject} /> : value(v),
      ])}
    />
  );
}

/** The connection page. */
export function ConnectionPage({ name }: { name: string }) {
  const { data: c, error } = usePoll(() => api.connection(name), []);
  const channels = usePoll(() => api.connectionChannels(name), []);
  const [reason, setReason] = useState('Closed via management plugin');
  const close = useAction();
  const gone = error instanceof ApiError && error.status === 404;
  return (
    <section>
      <p class="crumbs">
        <Link href="/connections">Connections</Link>
      </p>
      <div class="page-head">
        <h1>
          Connection <span class="name">{name}</span>
        </h1>
      </div>
      {gone ? <p class="notice">This connection is closed.</p> : <ErrorBox error={error} context="Connection" />}
      {c !== undefined && !gone && (
        <div class="charts">
          <section class="panel">
            <h2>Details</h2>
            <KeyValues
              label="Connection details"
              items={[
                ['User', c.user],
                ['Virtual host', c.vhost],
                ['State', <ConnState key="s" state={c.state} />],
                ['Client', clientLabel(c)],
                ['Client-provided name', c.user_provided_name ?? value(c.client_properties?.connection_name)],
                ['Peer', `${c.peer_host ?? ''}:${c.peer_port ?? ''}`],
                ['Protocol', c.protocol ?? ''],
                ['Authentication', c.auth_mechanism ?? ''],
                ['TLS', c.ssl === true ? (c.ssl_protocol ?? 'yes') : 'no'],
                ['Connected at', timestamp(c.connected_at)],
                ['Heartbeat', c.timeout === undefined ? '' : `${c.timeout} s`],
                ['Frame max', count(c.frame_max)],
                ['Channel max', count(c.channel_max)],
                ['From client', byteRate(c.recv_oct_details?.rate ?? 0)],
                ['To client', byteRate(c.send_oct_details?.rate ?? 0)],
              ]}
            />
          </section>
          <section class="panel">
            <h2>Client properties</h2>
            {c.client_properties !== undefined && <Props props={c.client_properties} />}
          </section>
        </div>
      )}
      {!gone && (
        <>
          <Section title="Channels">
            <ErrorBox error={channels.error} context="Channels" />
            <Table label="Channels of this connection" columns={channelColumns(false, false)} rows={channels.data ?? []} rowKey={(ch) => ch.name} empty="No channels." />
          </Section>
          <Section title="Close this connection">
            <ActionForm action={close} submit="Force close" context="Close" danger onSubmit={() => void close.run(() => api.closeConnection(name, reason), '', () => navigate('/connections'))}>
              <TextField label="Reason" hint="Sent to the client with 320 CONNECTION_FORCED." name="reason" value={reason} onChange={setReason} />
            </ActionForm>
          </Section>
        </>
      )}
    </section>
  );
}
