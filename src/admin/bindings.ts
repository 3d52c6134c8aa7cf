/**
 * Bindings as the management API sees them (rabbit_mgmt_wm_bindings, rabbit_mgmt_wm_binding in
 * RabbitMQ 3.10.8): every list includes the default exchange's implicit binding of each queue
 * (source "", routing key = the queue's name) where RabbitMQ's does; bindings are made and
 * removed through the broker's own queue.bind / exchange.bind / unbind with rabbit_channel's
 * permission checks, and each one carries RabbitMQ's properties_key.
 */
import type { FieldTable } from '../amqp/codec/field-value.js';
import { isExchange, type Binding, type Exchange } from '../broker/exchange/exchange.js';
import type { Vhost } from '../broker/vhost.js';
import type { AdminContext } from './admin-context.js';
import { requireVhostAccess, type User } from './authorization.js';
import { argsHash, packBindingProps, quotePlus, unpackBindingProps } from './binding-props.js';
import { badRequest, notFound } from './errors.js';
import { vhostForChange } from './exchanges.js';
import { jsonArguments } from './json-arguments.js';
import { asHttp, ObjectAccess } from './object-access.js';
import { decodeBody } from './request-body.js';
import { visibleVhosts } from './visibility.js';

/** What a binding leads to. */
export type DestinationType = 'queue' | 'exchange';

/** A binding as listed. */
export interface BindingInfo {
  source: string;
  vhost: string;
  destination: string;
  destinationType: DestinationType;
  routingKey: string;
  arguments: FieldTable;
  propertiesKey: string;
}

/** The path's name for the default exchange. */
function exchangeId(name: string): string {
  return name === 'amq.default' ? '' : name;
}

function info(vhost: string, source: string, destination: string, destinationType: DestinationType, routingKey: string, args: FieldTable): BindingInfo {
  return { source, vhost, destination, destinationType, routingKey, arguments: args, propertiesKey: packBindingProps(routingKey, args) };
}

function bindingInfo(vhost: string, b: Binding): BindingInfo {
  const d = b.destination;
  return info(vhost, b.source.name, d.name, isExchange(d) ? 'exchange' : 'queue', b.routingKey, b.arguments);
}

/** The default exchange's binding of a queue (RabbitMQ lists it though nothing stores it). */
function implicit(vhost: string, queue: string): BindingInfo {
  return info(vhost, '', queue, 'queue', queue, {});
}

function explicitBindings(v: Vhost): BindingInfo[] {
  const out: BindingInfo[] = [];
  for (const x of v.exchanges.values()) for (const b of x.bindings.values()) out.push(bindingInfo(v.name, b));
  return out;
}

/** Every binding of a vhost, the implicit ones first (rabbit_binding:list). */
function vhostBindings(v: Vhost): BindingInfo[] {
  return [...[...v.queues.keys()].map((q) => implicit(v.name, q)), ...explicitBindings(v)];
}

function canList(ctx: AdminContext, user: User, vhost: string): boolean {
  return user.tags.includes('administrator') || ctx.users.canAccessVhost(user, vhost);
}

/** GET /api/bindings: the bindings of every vhost the user may list. */
export function listAllBindings(ctx: AdminContext, user: User): BindingInfo[] {
  return visibleVhosts(ctx, user).flatMap(vhostBindings);
}

/** GET /api/bindings/{vhost}: 404 for a missing vhost. */
export function listVhostBindings(ctx: AdminContext, user: User, vhost: string): BindingInfo[] {
  requireVhostAccess(ctx, user, vhost);
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined) throw notFound();
  return canList(ctx, user, vhost) ? vhostBindings(v) : [];
}

/**
 * The bindings from or to one exchange or to one queue (RabbitMQ answers [] for a missing vhost
 * or exchange, and a missing queue still has its implicit binding).
 */
export function listBindingsOf(ctx: AdminContext, user: User, vhost: string, of: { source: string } | { exchangeDestination: string } | { queue: string }): BindingInfo[] {
  requireVhostAccess(ctx, user, vhost);
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined || !canList(ctx, user, vhost)) return [];
  if ('source' in of) {
    const id = exchangeId(of.source);
    if (id === '') return [...v.queues.keys()].map((q) => implicit(vhost, q));
    const x = v.exchanges.get(id);
    return x === undefined ? [] : [...x.bindings.values()].map((b) => bindingInfo(vhost, b));
  }
  if ('queue' in of) {
    const q = of.queue;
    return [implicit(vhost, q), ...explicitBindings(v).filter((b) => b.destinationType === 'queue' && b.destination === q)];
  }
  const d = exchangeId(of.exchangeDestination);
  return explicitBindings(v).filter((b) => b.destinationType === 'exchange' && b.destination === d);
}

/** GET /api/bindings/{vhost}/e/{source}/{q|e}/{destination}: the bindings between the two ([] when anything is missing). */
export function listBindingsBetween(ctx: AdminContext, user: User, vhost: string, source: string, destinationType: DestinationType, destination: string): BindingInfo[] {
  requireVhostAccess(ctx, user, vhost);
  const v = ctx.broker.getVhost(vhost);
  if (v === undefined || !canList(ctx, user, vhost)) return [];
  return between(v, exchangeId(source), destinationType, destinationType === 'exchange' ? exchangeId(destination) : destination);
}

function between(v: Vhost, source: string, destinationType: DestinationType, destination: string): BindingInfo[] {
  if (source === '') return destinationType === 'queue' ? [implicit(v.name, destination)] : [];
  const x = v.exchanges.get(source);
  if (x === undefined) return [];
  const out: BindingInfo[] = [];
  for (const b of x.bindings.values()) {
    const d = b.destination;
    if ((isExchange(d) ? 'exchange' : 'queue') === destinationType && d.name === destination) out.push(bindingInfo(v.name, b));
  }
  return out;
}

/** The binding a properties_key names, or undefined (rabbit_mgmt_wm_binding:binding + rabbit_binding:exists). */
function lookup(v: Vhost, source: string, destinationType: DestinationType, destination: string, props: string): BindingInfo | undefined {
  const p = unpackBindingProps(props);
  if (p === undefined) return undefined;
  const key = p.routingKey;
  // The default exchange's binding exists while its queue does.
  if (source === '' && !v.queues.has(destination)) return undefined;
  return between(v, source, destinationType, destination).find((b) => {
    if (b.routingKey !== key) return false;
    const hasArgs = Object.keys(b.arguments).length > 0;
    return p.argsHash === undefined ? !hasArgs : hasArgs && argsHash(b.arguments) === p.argsHash;
  });
}

/** GET /api/bindings/{vhost}/e/{source}/{q|e}/{destination}/{props}: 404 unless it exists. */
export function getBinding(ctx: AdminContext, user: User, vhost: string, source: string, destinationType: DestinationType, destination: string, props: string): BindingInfo {
  requireVhostAccess(ctx, user, vhost);
  const v = ctx.broker.getVhost(vhost);
  const dst = destinationType === 'exchange' ? exchangeId(destination) : destination;
  const b = v === undefined ? undefined : lookup(v, exchangeId(source), destinationType, dst, props);
  if (b === undefined) throw notFound();
  return b;
}

/** Checks a binding change as rabbit_channel:binding_action does, then runs it (direct request: errors as HTTP). */
function bindingAction(ctx: AdminContext, user: User, v: Vhost, source: string, destinationType: DestinationType, destination: string, key: string, fn: () => void): void {
  const access = new ObjectAccess(ctx, user, v);
  asHttp('direct', () => {
    // Write on the destination, the default exchange refused (by the vhost) before read on the
    // source, then topic read on the key; existence is the vhost's, last.
    access.require('write', destinationType, destination);
    if (source !== '' && !(destinationType === 'exchange' && destination === '')) {
      access.require('read', 'exchange', source);
      const x: Exchange | undefined = v.exchanges.get(source);
      if (x !== undefined) access.requireTopic('read', x, key);
    }
    fn();
  });
}

/** The binding a POST made: its properties_key, for the Location header. */
export interface CreatedBinding {
  propertiesKey: string;
}

/**
 * POST /api/bindings/{vhost}/e/{source}/{q|e}/{destination}: queue.bind or exchange.bind with
 * the body's routing_key (default "") and arguments.
 */
export function createBinding(ctx: AdminContext, user: User, vhost: string, source: string, destinationType: DestinationType, destination: string, rawBody: unknown): CreatedBinding {
  requireVhostAccess(ctx, user, vhost);
  const v = vhostForChange(ctx, vhost);
  const body = decodeBody(rawBody);
  const key = body.routing_key === undefined ? '' : body.routing_key;
  if (typeof key !== 'string') throw badRequest('routing_key must be a string');
  if (Buffer.byteLength(key, 'utf8') > 255) throw badRequest('routing_key should be less than 255 bytes');
  const args = jsonArguments(body.arguments);
  const src = exchangeId(source);
  const dst = destinationType === 'exchange' ? exchangeId(destination) : destination;
  bindingAction(ctx, user, v, src, destinationType, dst, key, () => {
    if (destinationType === 'queue') v.bindQueue(dst, src, key, args, BINDER);
    else v.bindExchange(dst, src, key, args);
  });
  return { propertiesKey: packBindingProps(key, args) };
}

// The direct request's "connection": it owns no exclusive queue (binding another connection's exclusive queue is 405).
const BINDER = Object.freeze({ owner: 'management API' });

/** DELETE /api/bindings/{vhost}/e/{source}/{q|e}/{destination}/{props}: 404 unless it exists, then unbind. */
export function deleteBinding(ctx: AdminContext, user: User, vhost: string, source: string, destinationType: DestinationType, destination: string, props: string): void {
  const b = getBinding(ctx, user, vhost, source, destinationType, destination, props);
  const v = ctx.broker.getVhost(vhost) as Vhost;
  bindingAction(ctx, user, v, b.source, destinationType, b.destination, b.routingKey, () => {
    if (destinationType === 'queue') v.unbindQueue(b.destination, b.source, b.routingKey, b.arguments);
    else v.unbindExchange(b.destination, b.source, b.routingKey, b.arguments);
  });
}

/** Location of a new binding relative to the POST's path (rabbit_web_dispatch_util:relativise). */
export function bindingLocation(requestPath: string, vhost: string, source: string, destinationType: DestinationType, destination: string, propertiesKey: string): string {
  const to = `/api/bindings/${[vhost, source].map(quotePlus).join('/e/')}/${destinationType === 'queue' ? 'q' : 'e'}/${quotePlus(destination)}/${quotePlus(propertiesKey)}`;
  return relativise(requestPath, to);
}

function relativise(from: string, to: string): string {
  const rel = (f: string[], t: string[]): string[] => {
    if (f.length === 1 && t.length > 0 && t[0] === f[0]) return t;
    if (f.length > 0 && t.length > 0 && f[0] === t[0]) return rel(f.slice(1), t.slice(1));
    if (t.length === 0) return Array<string>(f.length).fill('..');
    if (f.length > 0) return [...Array<string>(f.length - 1).fill('..'), ...t];
    return t;
  };
  return rel(segments(from), segments(to)).join('/');
}

function segments(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}
