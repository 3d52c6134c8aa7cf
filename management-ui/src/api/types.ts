/**
 * The management API's JSON shapes as RabbitMQ 3.10.8 answers them (and Warren, which answers
 * the same): only the fields the dashboard reads, all others left to `[key: string]: unknown`
 * where an object is shown whole (arguments, client properties). This is the one file the
 * dashboard shares with the server's idea of the API; nothing else of src/ is imported.
 */

/** `{rate}` beside a counter, with `samples` when the request asked for a range. */
export interface Details {
  rate: number;
  /** Newest first; `sample` is the counter's (or gauge's) value at `timestamp` (ms). */
  samples?: Sample[];
  avg_rate?: number;
  avg?: number;
}

/** One point of a range. */
export interface Sample {
  sample: number;
  timestamp: number;
}

/** The counters RabbitMQ keeps per object; each with a `<name>_details` sibling. */
export interface MessageStats {
  publish?: number;
  publish_details?: Details;
  publish_in?: number;
  publish_in_details?: Details;
  publish_out?: number;
  publish_out_details?: Details;
  confirm?: number;
  confirm_details?: Details;
  deliver?: number;
  deliver_details?: Details;
  deliver_no_ack?: number;
  deliver_no_ack_details?: Details;
  deliver_get?: number;
  deliver_get_details?: Details;
  get?: number;
  get_details?: Details;
  get_no_ack?: number;
  get_no_ack_details?: Details;
  get_empty?: number;
  get_empty_details?: Details;
  redeliver?: number;
  redeliver_details?: Details;
  ack?: number;
  ack_details?: Details;
  return_unroutable?: number;
  return_unroutable_details?: Details;
  drop_unroutable?: number;
  drop_unroutable_details?: Details;
  [key: string]: number | Details | undefined;
}

/** A JSON object as the API gives it (arguments, client properties, policy definitions). */
export type JsonObject = Record<string, unknown>;

/** Every error body: `{"error","reason"}`; `reason` may be a list (`["no_such_vhost","v"]`). */
export interface ErrorBody {
  error: string;
  reason: unknown;
}

/** The paged shape (`?page=`): lists of exchanges, queues, vhosts, connections, channels. */
export interface Paged<T> {
  items: T[];
  page: number;
  page_count: number;
  page_size: number;
  filtered_count: number;
  item_count: number;
  total_count: number;
}

/** GET /api/whoami */
export interface Whoami {
  name: string;
  tags: string[] | string;
}

/** A listener of GET /api/overview. */
export interface Listener {
  node: string;
  protocol: string;
  ip_address: string;
  port: number;
}

/** GET /api/overview */
export interface Overview {
  management_version: string;
  product_name?: string;
  product_version?: string;
  rabbitmq_version: string;
  erlang_version?: string;
  cluster_name: string;
  node: string;
  rates_mode?: string;
  message_stats?: MessageStats;
  queue_totals?: {
    messages?: number;
    messages_details?: Details;
    messages_ready?: number;
    messages_ready_details?: Details;
    messages_unacknowledged?: number;
    messages_unacknowledged_details?: Details;
  };
  object_totals?: { connections: number; channels: number; exchanges: number; queues: number; consumers: number };
  listeners?: Listener[];
  exchange_types?: { name: string; description: string; enabled: boolean }[];
}

/** GET /api/nodes/{name} (monitoring users and up). */
export interface NodeInfo {
  name: string;
  type?: string;
  running: boolean;
  uptime?: number;
  mem_used?: number;
  mem_limit?: number;
  mem_alarm?: boolean;
  disk_free?: number;
  disk_free_limit?: number;
  disk_free_alarm?: boolean;
  fd_used?: number;
  fd_total?: number;
  sockets_used?: number;
  sockets_total?: number;
  proc_used?: number;
  proc_total?: number;
  processors?: number;
  os_pid?: string;
}

/** A queue of /api/queues (the detail adds consumer_details). */
export interface Queue {
  name: string;
  vhost: string;
  type?: string;
  durable: boolean;
  auto_delete: boolean;
  exclusive?: boolean;
  arguments: JsonObject;
  node?: string;
  state?: string;
  policy?: string | null;
  operator_policy?: string | null;
  effective_policy_definition?: JsonObject | [];
  consumers?: number;
  consumer_capacity?: number;
  consumer_utilisation?: number | null;
  messages?: number;
  messages_details?: Details;
  messages_ready?: number;
  messages_ready_details?: Details;
  messages_unacknowledged?: number;
  messages_unacknowledged_details?: Details;
  message_bytes?: number;
  message_bytes_ready?: number;
  message_bytes_unacknowledged?: number;
  memory?: number;
  idle_since?: string;
  exclusive_consumer_tag?: string | null;
  single_active_consumer_tag?: string | null;
  head_message_timestamp?: number | null;
  message_stats?: MessageStats;
  consumer_details?: ConsumerDetail[];
}

/** A consumer as /api/queues/{v}/{q} lists it in consumer_details (and /api/consumers). */
export interface ConsumerDetail {
  consumer_tag: string;
  queue: { name: string; vhost: string };
  channel_details: { name: string; number: number; connection_name: string; peer_host: string; peer_port: number; user: string; node?: string };
  ack_required: boolean;
  prefetch_count: number;
  exclusive: boolean;
  arguments: JsonObject;
  active?: boolean;
  activity_status?: string;
}

/** An exchange of /api/exchanges. */
export interface Exchange {
  name: string;
  vhost: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
  arguments: JsonObject;
  policy?: string | null;
  user_who_performed_action?: string;
  message_stats?: MessageStats;
}

/** A binding of /api/bindings, …/bindings/source, …/bindings/destination, /api/queues/{v}/{q}/bindings. */
export interface Binding {
  source: string;
  vhost: string;
  destination: string;
  destination_type: 'queue' | 'exchange';
  routing_key: string;
  arguments: JsonObject;
  properties_key: string;
}

/** A connection of /api/connections. */
export interface Connection {
  name: string;
  node?: string;
  type?: string;
  state?: string;
  user: string;
  vhost: string;
  protocol?: string;
  auth_mechanism?: string;
  host?: string;
  port?: number;
  peer_host?: string;
  peer_port?: number;
  ssl?: boolean;
  ssl_protocol?: string | null;
  channels?: number;
  channel_max?: number;
  frame_max?: number;
  timeout?: number;
  connected_at?: number;
  user_provided_name?: string;
  client_properties?: JsonObject & { product?: string; version?: string; platform?: string; connection_name?: string };
  recv_oct?: number;
  recv_oct_details?: Details;
  send_oct?: number;
  send_oct_details?: Details;
}

/** A channel of /api/channels. */
export interface Channel {
  name: string;
  number: number;
  node?: string;
  user: string;
  vhost: string;
  state?: string;
  connection_details: { name: string; peer_host?: string; peer_port?: number };
  prefetch_count?: number;
  global_prefetch_count?: number;
  consumer_count?: number;
  messages_unacknowledged?: number;
  messages_unconfirmed?: number;
  messages_uncommitted?: number;
  acks_uncommitted?: number;
  confirm?: boolean;
  transactional?: boolean;
  idle_since?: string;
  message_stats?: MessageStats;
}

/** A user of /api/users. */
export interface User {
  name: string;
  password_hash: string;
  hashing_algorithm: string;
  tags: string[] | string;
  limits?: JsonObject;
}

/** A vhost of /api/vhosts. */
export interface Vhost {
  name: string;
  description?: string;
  tags?: string[];
  default_queue_type?: string;
  tracing?: boolean;
  cluster_state?: Record<string, string>;
  messages?: number;
  messages_details?: Details;
  messages_ready?: number;
  messages_ready_details?: Details;
  messages_unacknowledged?: number;
  messages_unacknowledged_details?: Details;
  recv_oct_details?: Details;
  send_oct_details?: Details;
  message_stats?: MessageStats;
}

/** /api/permissions entries. */
export interface Permission {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

/** /api/topic-permissions entries. */
export interface TopicPermission {
  user: string;
  vhost: string;
  exchange: string;
  write: string;
  read: string;
}

/** /api/policies and /api/operator-policies entries. */
export interface Policy {
  vhost: string;
  name: string;
  pattern: string;
  'apply-to': string;
  definition: JsonObject;
  priority: number;
}

/** /api/vhost-limits entries. */
export interface VhostLimits {
  vhost: string;
  value: Record<string, number>;
}

/** /api/user-limits entries. */
export interface UserLimits {
  user: string;
  value: Record<string, number>;
}

/** One message of POST /api/queues/{v}/{q}/get. */
export interface GotMessage {
  payload_bytes: number;
  redelivered: boolean;
  exchange: string;
  routing_key: string;
  message_count: number;
  properties: JsonObject;
  payload: string;
  payload_encoding: 'string' | 'base64';
}

/** POST /api/exchanges/{v}/{x}/publish */
export interface PublishResult {
  routed: boolean;
}

/** The body of POST …/publish. */
export interface PublishRequest {
  properties: JsonObject;
  routing_key: string;
  payload: string;
  payload_encoding: 'string' | 'base64';
}
