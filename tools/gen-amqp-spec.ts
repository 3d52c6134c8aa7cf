/**
 * Generates src/amqp/spec.generated.ts from spec/amqp-rabbitmq-0.9.1.json
 * (RabbitMQ's codegen data, MIT; see spec/LICENSE-amqp-spec.md).
 *
 *   npx tsx tools/gen-amqp-spec.ts           write the file
 *   npx tsx tools/gen-amqp-spec.ts --check   exit 1 if the committed file is stale
 *
 * Generated, not hand-written, for the same reason amqplib and RabbitMQ do it:
 * 70 methods of field-by-field byte layout (with bit packing) are easy to get
 * subtly wrong by hand and trivially right from data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the spec data lives. */
export const SPEC_PATH = fileURLToPath(new URL('../spec/amqp-rabbitmq-0.9.1.json', import.meta.url));
/** Where the generated module goes. */
export const OUTPUT_PATH = fileURLToPath(new URL('../src/amqp/spec.generated.ts', import.meta.url));

interface SpecArg {
  name: string;
  type?: string;
  domain?: string;
  'default-value'?: unknown;
}
interface SpecMethod {
  name: string;
  id: number;
  arguments: SpecArg[];
  synchronous?: boolean;
  content?: boolean;
}
interface SpecClass {
  name: string;
  id: number;
  methods: SpecMethod[];
  properties?: { name: string; type: string }[];
}
interface SpecConstant {
  name: string;
  value: number;
  class?: string;
}
interface Spec {
  'major-version': number;
  'minor-version': number;
  revision: number;
  port: number;
  domains: [string, string][];
  constants: SpecConstant[];
  classes: SpecClass[];
}

// The generated file lists classes in id order; the data lists basic first (an Erlang lookup-order tweak).
const byId = <T extends { id: number }>(xs: T[]): T[] => [...xs].sort((a, b) => a.id - b.id);

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string): string => camel(s).replace(/^[a-z]/, (c) => c.toUpperCase());
const upper = (s: string): string => s.replace(/-/g, '_').toUpperCase();
const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
/** A TypeScript literal for a spec default, strings single-quoted like the rest of the code base. */
const lit = (v: unknown): string => (typeof v === 'string' ? `'${v.replace(/[\\']/g, '\\$&')}'` : JSON.stringify(v));

interface Field {
  key: string;
  type: string;
  defaultValue: unknown;
  /** Index of this bit within its packed octet, or -1 for non-bits. */
  bit: number;
  /** True for the first bit of a packed octet. */
  bitStart: boolean;
}

function fieldsOf(spec: Spec, m: SpecMethod): Field[] {
  const domains = new Map(spec.domains);
  const out: Field[] = [];
  let bit = -1;
  for (const a of m.arguments) {
    const type = a.type ?? domains.get(a.domain ?? '');
    if (type === undefined) throw new Error(`no type for argument ${m.name}.${a.name}`);
    // Consecutive bits share an octet (LSB first); any other field, or a ninth bit, starts over.
    if (type === 'bit') bit = bit === 7 ? 0 : bit + 1;
    else bit = -1;
    out.push({ key: camel(a.name), type, defaultValue: a['default-value'], bit, bitStart: bit === 0 });
  }
  return out;
}

const TS_TYPE: Record<string, string> = {
  bit: 'boolean',
  octet: 'number',
  short: 'number',
  long: 'number',
  longlong: 'number',
  timestamp: 'number',
  shortstr: 'string',
  longstr: 'Buffer',
  table: 'FieldTable',
};

const READ: Record<string, string> = {
  octet: 'r.u8()',
  short: 'r.u16()',
  long: 'r.u32()',
  longlong: 'r.u64()',
  timestamp: 'r.u64()',
  shortstr: 'r.shortstr()',
  longstr: 'r.longstr()',
  table: 'readTable(r)',
};

function zeroOf(type: string): unknown {
  if (type === 'bit') return false;
  if (type === 'shortstr' || type === 'longstr') return '';
  if (type === 'table') return undefined;
  return 0;
}

function writeStmt(f: Field, methodFullName: string): string {
  const dflt = f.defaultValue === undefined ? zeroOf(f.type) : f.defaultValue;
  const v = `a.${f.key}`;
  const withDefault = `${v} ?? ${lit(dflt)}`;
  switch (f.type) {
    case 'octet':
      return `w.u8(${withDefault});`;
    case 'short':
      return `w.u16(${withDefault});`;
    case 'long':
      return `w.u32(${withDefault});`;
    case 'longlong':
    case 'timestamp':
      return `w.u64(${withDefault});`;
    case 'shortstr':
      // RabbitMQ cuts long exception texts instead of failing to send the close.
      return f.key === 'replyText' ? `w.replyText(${withDefault});` : `w.shortstr(${withDefault});`;
    case 'longstr':
      return `w.longstr(${withDefault});`;
    case 'table':
      return `writeTable(w, ${v});`;
    default:
      throw new Error(`unhandled type ${f.type} in ${methodFullName}`);
  }
}

function bitExpr(f: Field): string {
  const on = f.defaultValue === true ? `(a.${f.key} ?? true)` : `a.${f.key}`;
  return `(${on} ? ${1 << f.bit} : 0)`;
}

function docDefault(f: Field): string {
  return f.defaultValue === undefined ? '' : ` (default ${JSON.stringify(f.defaultValue)})`;
}

function genMethod(spec: Spec, c: SpecClass, m: SpecMethod, out: string[]): void {
  const name = `${pascal(c.name)}${pascal(m.name)}`;
  const full = `${c.name}.${m.name}`;
  const id = (c.id << 16) | m.id;
  const fields = fieldsOf(spec, m);
  const traits = [m.synchronous ? 'synchronous request' : '', m.content ? 'carries content' : ''].filter(Boolean).join(', ');
  out.push('');
  out.push(`// ---- ${full} (${c.id}/${m.id})`);
  out.push('');
  out.push(`/** Arguments of ${full} (${c.id}/${m.id}${traits ? `, ${traits}` : ''}). */`);
  if (fields.length === 0) {
    out.push(`export type ${name}Args = Record<string, never>;`);
  } else {
    out.push(`export interface ${name}Args {`);
    for (const f of fields) {
      out.push(`  /** ${f.type}${docDefault(f)} */`);
      out.push(`  ${f.key}: ${TS_TYPE[f.type]};`);
    }
    out.push('}');
  }

  // Decoder.
  out.push('');
  out.push(`/** Decodes ${full} arguments from buf[start..end) (start = first byte after the method id). */`);
  out.push(`export function decode${name}(buf: Buffer, start: number, end: number): ${name}Args {`);
  if (fields.length === 0) {
    out.push(`  if (end !== start) throw cannotDecode(undefined, buf, start, end, ${hex32(id)});`);
    out.push('  return {};');
  } else {
    out.push('  const r = new BufferReader(buf, start, end);');
    out.push('  try {');
    if (fields.some((f) => f.bit >= 0)) out.push('    let bits = 0;');
    out.push(`    const args: ${name}Args = {`);
    for (const f of fields) {
      let expr: string;
      if (f.bit < 0) expr = READ[f.type];
      else if (f.bitStart) expr = `((bits = r.u8()) & ${1 << f.bit}) !== 0`;
      else expr = `(bits & ${1 << f.bit}) !== 0`;
      out.push(`      ${f.key}: ${expr},`);
    }
    out.push('    };');
    out.push('    r.finish();');
    out.push('    return args;');
    out.push('  } catch (e) {');
    out.push(`    throw cannotDecode(e, buf, start, end, ${hex32(id)});`);
    out.push('  }');
  }
  out.push('}');

  // Payload writer.
  out.push('');
  out.push(`/** Writes the ${full} method payload (class id, method id, arguments); omitted arguments take the spec default. */`);
  const param = fields.length === 0 ? '_a' : 'a';
  out.push(`export function write${name}(w: BufferWriter, ${param}: EncodeArgs<${name}Args> = {}): void {`);
  out.push(`  w.u32(${hex32(id)});`);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.bit < 0) {
      out.push(`  ${writeStmt(f, full)}`);
      continue;
    }
    const group: Field[] = [f];
    while (i + 1 < fields.length && fields[i + 1].bit > 0) group.push(fields[++i]);
    out.push(`  w.u8(${group.map(bitExpr).join(' | ')});`);
  }
  out.push('}');

  // Frame encoder.
  out.push('');
  out.push(`/** A complete ${full} method frame on \`channel\`, in one exact-size buffer. */`);
  out.push(`export function encode${name}Frame(channel: number, args: EncodeArgs<${name}Args> = {}): Buffer {`);
  out.push('  beginFrame(channel);');
  out.push(`  write${name}(scratch, args);`);
  out.push('  return endFrame();');
  out.push('}');
}

/**
 * The methods a server receives: the AMQP 0-9-1 XML's `<chassis name="server">` entries (the JSON data
 * leaves chassis out), with RabbitMQ's extensions (basic.nack, confirm.select, exchange.bind/unbind,
 * connection.update-secret). The channel's handler table is typed from the non-connection ones.
 */
const SERVER_RECEIVES = new Set([
  'connection.start-ok', 'connection.secure-ok', 'connection.tune-ok', 'connection.open', 'connection.close',
  'connection.close-ok', 'connection.blocked', 'connection.unblocked', 'connection.update-secret',
  'channel.open', 'channel.flow', 'channel.flow-ok', 'channel.close', 'channel.close-ok',
  'access.request',
  'exchange.declare', 'exchange.delete', 'exchange.bind', 'exchange.unbind',
  'queue.declare', 'queue.bind', 'queue.purge', 'queue.delete', 'queue.unbind',
  'basic.qos', 'basic.consume', 'basic.cancel', 'basic.publish', 'basic.get', 'basic.ack', 'basic.reject',
  'basic.recover-async', 'basic.recover', 'basic.nack',
  'tx.select', 'tx.commit', 'tx.rollback',
  'confirm.select',
]);

/** Channel methods tested first by the dispatcher: one per published and acknowledged message. */
const HOT_METHODS = ['basic.publish', 'basic.ack'];

interface MethodRef {
  c: SpecClass;
  m: SpecMethod;
  id: number;
}

/** The method name map, the decoded-method union and the channel handler table with its dispatcher. */
function genDispatch(allMethods: MethodRef[], dataOrder: MethodRef[], out: string[]): void {
  const nameOf = (r: MethodRef): string => `${pascal(r.c.name)}${pascal(r.m.name)}`;
  const full = (r: MethodRef): string => `${r.c.name}.${r.m.name}`;
  out.push('');
  out.push('// ---- typed dispatch');
  out.push('');
  out.push('/** A method by its PascalCase name: the keys of MethodId. */');
  out.push('export type MethodName = keyof typeof MethodId;');
  out.push('');
  out.push('/** The arguments interface of each method, by name. */');
  out.push('export interface MethodArgsMap {');
  for (const r of allMethods) out.push(`  ${nameOf(r)}: ${nameOf(r)}Args;`);
  out.push('}');
  out.push('');
  out.push('/** The arguments of method K. */');
  out.push('export type ArgsOf<K extends MethodName> = MethodArgsMap[K];');
  out.push('');
  out.push('/** A decoded method frame payload; `id` (compare with MethodId.*) discriminates, so a switch on it narrows `args`. */');
  out.push('export type DecodedMethod = {');
  out.push('  [K in MethodName]: { id: (typeof MethodId)[K]; classId: number; methodId: number; args: MethodArgsMap[K] };');
  out.push('}[MethodName];');

  const hot = HOT_METHODS.map((n) => dataOrder.find((r) => full(r) === n) as MethodRef);
  const channelMethods = dataOrder.filter((r) => r.c.name !== 'connection' && SERVER_RECEIVES.has(full(r)));
  const ordered = [...hot, ...channelMethods.filter((r) => !hot.includes(r))];
  out.push('');
  out.push('/** The methods a client sends on a channel other than 0 (the spec\'s server chassis): the keys of ChannelMethodHandlers. */');
  out.push('export type ChannelMethodName =');
  channelMethods.forEach((r, i) => out.push(`  | '${nameOf(r)}'${i === channelMethods.length - 1 ? ';' : ''}`));
  out.push('');
  out.push('/**');
  out.push(' * One handler per channel method a server receives, typed by that method\'s arguments, so a missing');
  out.push(' * handler does not compile. Handlers are plain functions of a target (one static table, no closures');
  out.push(' * per channel). A content-carrying method also gets its frame payload and where its arguments start,');
  out.push(' * so the handler can take the content\'s keys from the frame in place. Properties, not methods:');
  out.push(' * their parameters are checked strictly, so a handler cannot claim another method\'s arguments.');
  out.push(' */');
  out.push('export interface ChannelMethodHandlers<T> {');
  for (const r of channelMethods) {
    const extra = r.m.content ? ', payload: Buffer, argsStart: number' : '';
    out.push(`  /** ${full(r)} (${r.c.id}/${r.m.id}) */`);
    out.push(`  ${nameOf(r)}: (target: T, args: ${nameOf(r)}Args${extra}) => void;`);
  }
  out.push('}');
  out.push('');
  out.push('/**');
  out.push(' * Decodes channel method `id` from buf[start..end) (start = first byte after the method id) and');
  out.push(' * calls its handler; returns false, decoding nothing, for a method not in ChannelMethodHandlers.');
  out.push(` * ${HOT_METHODS.join(' and ')} are tested first: each message costs the comparisons a hand-written`);
  out.push(' * fast path would, and the decoded arguments are the only object made.');
  out.push(' */');
  out.push('export function dispatchChannelMethod<T>(');
  out.push('  target: T,');
  out.push('  id: number,');
  out.push('  buf: Buffer,');
  out.push('  start: number,');
  out.push('  end: number,');
  out.push('  h: ChannelMethodHandlers<T>,');
  out.push('): boolean {');
  out.push('  switch (id) {');
  for (const r of ordered) {
    const extra = r.m.content ? ', buf, start' : '';
    out.push(`    case ${hex32(r.id)}: // ${full(r)}`);
    out.push(`      h.${nameOf(r)}(target, decode${nameOf(r)}(buf, start, end)${extra});`);
    out.push('      return true;');
  }
  out.push('    default:');
  out.push('      return false;');
  out.push('  }');
  out.push('}');
}

function genProperties(c: SpecClass, out: string[]): void {
  const props = c.properties ?? [];
  if (props.length > 15) throw new Error('more than one property flag word is not supported');
  const flag = (i: number): number => 1 << (15 - i);
  out.push('');
  out.push('// ---- basic content properties');
  out.push('');
  out.push('/** Basic content properties (content header frame), all optional; timestamp is in seconds. */');
  out.push('export interface BasicProperties {');
  for (const p of props) {
    out.push(`  /** ${p.type} (flag ${hex16(flag(props.indexOf(p)))}) */`);
    out.push(`  ${camel(p.name)}?: ${TS_TYPE[p.type]};`);
  }
  out.push('}');
  out.push('');
  out.push('/** Property flag bits in flag order: content-type is bit 15 ... cluster-id bit 2 (bit 0 = continuation). */');
  out.push('export const BASIC_PROPERTY_FLAGS = {');
  props.forEach((p, i) => out.push(`  ${camel(p.name)}: ${hex16(flag(i))},`));
  out.push('} as const;');
  out.push('');
  out.push('/** The basic properties in wire order, with their types (for skipping over present ones). */');
  out.push('export const BASIC_PROPERTIES: readonly { key: keyof BasicProperties; name: string; type: string; flag: number }[] = [');
  props.forEach((p, i) =>
    out.push(`  { key: '${camel(p.name)}', name: '${p.name}', type: '${p.type}', flag: ${hex16(flag(i))} },`),
  );
  out.push('];');

  out.push('');
  out.push('/**');
  out.push(' * Decodes basic properties from buf[start..end), start at the 16-bit property flags.');
  out.push(' * Extra flag words (continuation bit 0) are skipped: basic defines only 14 properties.');
  out.push(' * Malformed input, trailing bytes included, throws 502 SYNTAX_ERROR (RabbitMQ 3.10.8 answers');
  out.push(' * a malformed content header with a bare 541 INTERNAL_ERROR connection close).');
  out.push(' */');
  out.push('export function decodeBasicProperties(buf: Buffer, start: number, end: number): BasicProperties {');
  out.push('  const r = new BufferReader(buf, start, end);');
  out.push('  const flags = r.u16();');
  out.push('  for (let more = flags; (more & 1) !== 0; ) more = r.u16();');
  out.push('  const p: BasicProperties = {};');
  props.forEach((p, i) => {
    const read = p.type === 'octet' ? 'r.u8()' : READ[p.type];
    out.push(`  if ((flags & ${hex16(flag(i))}) !== 0) p.${camel(p.name)} = ${read};`);
  });
  out.push('  r.finish();');
  out.push('  return p;');
  out.push('}');

  out.push('');
  out.push('/** Writes property flags + present properties (undefined or null = absent). */');
  out.push('export function writeBasicProperties(w: BufferWriter, p: BasicProperties): void {');
  out.push('  let flags = 0;');
  props.forEach((p, i) => out.push(`  if (p.${camel(p.name)} != null) flags |= ${hex16(flag(i))};`));
  out.push('  w.u16(flags);');
  props.forEach((p) => {
    const k = camel(p.name);
    const stmts: Partial<Record<string, string>> = {
      shortstr: `w.shortstr(p.${k});`,
      octet: `w.u8(p.${k});`,
      timestamp: `w.u64(p.${k});`,
      table: `writeTable(w, p.${k});`,
    };
    const stmt = stmts[p.type];
    if (stmt === undefined) throw new Error(`unhandled property type ${p.type}`);
    out.push(`  if (p.${k} != null) ${stmt}`);
  });
  out.push('}');
}

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** Returns the text of spec.generated.ts for the given spec JSON. */
export function generate(specJson: string): string {
  const spec = JSON.parse(specJson) as Spec;
  const classes = byId(spec.classes);
  const constant = (name: string): number => {
    const c = spec.constants.find((k) => k.name === name);
    if (c === undefined) throw new Error(`constant ${name} missing from spec`);
    return c.value;
  };
  const out: string[] = [];
  const allMethods = classes.flatMap((c) => byId(c.methods).map((m) => ({ c, m, id: (c.id << 16) | m.id })));
  const dataOrder = spec.classes.flatMap((c) => c.methods.map((m) => ({ c, m, id: (c.id << 16) | m.id })));

  out.push('// GENERATED by tools/gen-amqp-spec.ts from spec/amqp-rabbitmq-0.9.1.json, do not edit.');
  out.push('// Regenerate with `npx tsx tools/gen-amqp-spec.ts`; test/unit/spec-generated.test.ts fails when it is stale.');
  out.push('// Spec data: Copyright (C) 2007-2024 Broadcom Inc. and its subsidiaries, MIT (spec/LICENSE-amqp-spec.md).');
  out.push('');
  out.push("import { BufferReader, cannotDecode } from './codec/buffer-reader.js';");
  out.push("import { formatErlangBinary } from './codec/erlang-term.js';");
  out.push("import { BufferWriter } from './codec/buffer-writer.js';");
  out.push("import { readTable, writeTable, type FieldTable } from './codec/field-table.js';");
  out.push("import { frameError, notImplemented, type AmqpError } from './errors.js';");
  out.push('');
  out.push('// ---- constants');
  out.push('');
  out.push(`/** Frame type of method frames. */`);
  out.push(`export const FRAME_METHOD = ${constant('FRAME-METHOD')};`);
  out.push(`/** Frame type of content header frames. */`);
  out.push(`export const FRAME_HEADER = ${constant('FRAME-HEADER')};`);
  out.push(`/** Frame type of content body frames. */`);
  out.push(`export const FRAME_BODY = ${constant('FRAME-BODY')};`);
  out.push(`/** Frame type of heartbeats (errata: 8, not the PDF's 4). */`);
  out.push(`export const FRAME_HEARTBEAT = ${constant('FRAME-HEARTBEAT')};`);
  out.push(`/** The octet that ends every frame. */`);
  out.push(`export const FRAME_END = 0x${constant('FRAME-END').toString(16)};`);
  out.push('/**');
  out.push(` * Smallest frame_max a peer may negotiate. The spec data says ${constant('FRAME-MIN-SIZE')} since RabbitMQ 4.1;`);
  out.push(' * we accept 4096 (the AMQP 0-9-1 value) for old amqplib, which defaulted to it before 0.10.7.');
  out.push(' */');
  out.push('export const FRAME_MIN_SIZE = 4096;');
  out.push(`/** FRAME-MIN-SIZE as the spec data (RabbitMQ >= 4.1) states it. */`);
  out.push(`export const SPEC_FRAME_MIN_SIZE = ${constant('FRAME-MIN-SIZE')};`);
  out.push(`/** Bytes a frame adds around its payload: type, channel, size, frame-end. */`);
  out.push('export const FRAME_OVERHEAD = 8;');
  const v = [spec['major-version'], spec['minor-version'], spec.revision];
  out.push(`/** The protocol header a client opens with: "AMQP" 0 ${v.join(' ')}. */`);
  out.push(`export const PROTOCOL_HEADER: Buffer = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, ${v.join(', ')}]);`);
  out.push(`/** The IANA-assigned AMQP port. */`);
  out.push(`export const DEFAULT_PORT = ${spec.port};`);
  out.push(`/** reply-code for a normal close. */`);
  out.push(`export const REPLY_SUCCESS = ${constant('REPLY-SUCCESS')};`);
  out.push('');
  out.push('/** Error reply codes: RabbitMQ name (as in reply texts) and whether it closes only the channel (soft). */');
  out.push('export const REPLY_CODES: Record<number, { name: string; soft: boolean }> = {');
  for (const k of [...spec.constants].filter((c) => c.class !== undefined).sort((a, b) => a.value - b.value)) {
    out.push(`  ${k.value}: { name: '${upper(k.name)}', soft: ${k.class === 'soft-error'} },`);
  }
  out.push('};');

  out.push('');
  out.push('/** AMQP class ids. */');
  out.push('export const ClassId = {');
  for (const c of classes) out.push(`  ${upper(c.name)}: ${c.id},`);
  out.push('} as const;');
  out.push('');
  out.push('/** Method ids as (classId << 16) | methodId: the u32 at the start of a method frame payload. */');
  out.push('export const MethodId = {');
  for (const { c, m, id } of allMethods) out.push(`  ${pascal(c.name)}${pascal(m.name)}: ${hex32(id)},`);
  out.push('} as const;');
  out.push('');
  out.push("/** Dotted method names as RabbitMQ prints them (\"expected 'channel.open'\"). */");
  out.push('export const METHOD_NAMES: Record<number, string> = {');
  for (const { c, m, id } of allMethods) out.push(`  ${hex32(id)}: '${c.name}.${m.name}',`);
  out.push('};');
  out.push('');
  out.push("/** The dotted name of a method id, or 'unknown method C/M'. */");
  out.push('export function methodName(id: number): string {');
  out.push('  return METHOD_NAMES[id] ?? `unknown method ${classOf(id)}/${methodOf(id)}`;');
  out.push('}');
  out.push('');
  out.push('/** The class id of a method id (MethodId.*), e.g. 60 for basic.publish. */');
  out.push('export function classOf(id: number): number {');
  out.push('  return id >>> 16;');
  out.push('}');
  out.push('');
  out.push('/** The method id of a method id (MethodId.*) within its class, e.g. 40 for basic.publish. */');
  out.push('export function methodOf(id: number): number {');
  out.push('  return id & 0xffff;');
  out.push('}');
  out.push('');
  out.push('/** True for methods followed by a content header and body frames. */');
  out.push('export function methodHasContent(id: number): boolean {');
  out.push('  switch (id) {');
  for (const { c, m, id } of allMethods.filter((x) => x.m.content)) out.push(`    case ${hex32(id)}: // ${c.name}.${m.name}`);
  out.push('      return true;');
  out.push('    default:');
  out.push('      return false;');
  out.push('  }');
  out.push('}');
  out.push('');
  out.push('/** True for requests the peer must answer (the spec\'s "synchronous"), e.g. queue.declare unless no-wait. */');
  out.push('export function isSynchronousRequest(id: number): boolean {');
  out.push('  switch (id) {');
  for (const { c, m, id } of allMethods.filter((x) => x.m.synchronous)) out.push(`    case ${hex32(id)}: // ${c.name}.${m.name}`);
  out.push('      return true;');
  out.push('    default:');
  out.push('      return false;');
  out.push('  }');
  out.push('}');

  out.push('');
  out.push('/** What encoders accept: every argument optional (spec defaults fill gaps), longstr also as a string. */');
  out.push('export type EncodeArgs<T> = { [K in keyof T]?: T[K] extends Buffer ? Buffer | string : T[K] };');
  out.push('');
  out.push('// One scratch writer for every frame encoder: encoders never nest, so it is never in use twice.');
  out.push('const scratch = new BufferWriter(4096);');
  out.push('');
  out.push('function beginFrame(channel: number): void {');
  out.push('  scratch.reset();');
  out.push('  scratch.u8(FRAME_METHOD);');
  out.push('  scratch.u16(channel);');
  out.push('  scratch.u32(0);');
  out.push('}');
  out.push('');
  out.push('function endFrame(): Buffer {');
  out.push('  scratch.patchU32(3, scratch.pos - 7);');
  out.push('  scratch.u8(FRAME_END);');
  out.push('  return scratch.toBuffer();');
  out.push('}');

  for (const { c, m } of allMethods) genMethod(spec, c, m, out);

  out.push('');
  out.push('// ---- dispatch');
  out.push('');
  out.push('/**');
  out.push(' * Decodes a method frame payload buf[start..end) (it begins with the class id).');
  out.push(' * Errors are connection errors, as RabbitMQ 3.10.8 behaves when probed with raw frames:');
  out.push(' * - payload shorter than a method id: 501 "FRAME_ERROR - type 1, all octets = <<0,60>>: unknown_frame";');
  out.push(' * - bad arguments (truncated, trailing bytes, malformed table): 501 "FRAME_ERROR - cannot decode');
  out.push(' *   <<...argument bytes...>>" with the class/method id set;');
  out.push(' * - unknown class or method: RabbitMQ sends no close at all (its reader crashes with');
  out.push(' *   {unknown_method_id,{60,99}} and drops the socket). We close with 540 NOT_IMPLEMENTED');
  out.push(' *   "unknown method id {60,99}" instead: a clear answer rather than a dropped socket.');
  out.push(' */');
  out.push('export function decodeMethod(buf: Buffer, start: number, end: number): DecodedMethod {');
  out.push('  if (end - start < 4) throw frameError(`type 1, all octets = ${formatErlangBinary(buf, start, end)}: unknown_frame`);');
  out.push('  const id = ((buf[start] << 24) | (buf[start + 1] << 16) | (buf[start + 2] << 8) | buf[start + 3]) >>> 0;');
  out.push('  const p = start + 4;');
  out.push('  let args: unknown;');
  out.push('  // Cases in the spec data\'s order, basic class first: unoptimised code tests cases in sequence.');
  out.push('  switch (id) {');
  for (const { c, m, id } of dataOrder) {
    out.push(`    case ${hex32(id)}:`);
    out.push(`      args = decode${pascal(c.name)}${pascal(m.name)}(buf, p, end);`);
    out.push('      break;');
  }
  out.push('    default:');
  out.push('      throw unknownMethod(id);');
  out.push('  }');
  out.push('  return { id, classId: classOf(id), methodId: methodOf(id), args } as DecodedMethod;');
  out.push('}');
  out.push('');
  out.push('function unknownMethod(id: number): AmqpError {');
  out.push('  const err = notImplemented(`unknown method id {${classOf(id)},${methodOf(id)}}`);');
  out.push('  err.classId = classOf(id);');
  out.push('  err.methodId = methodOf(id);');
  out.push('  return err;');
  out.push('}');
  out.push('');
  out.push('/** Writes the payload of method `id` (class id, method id, arguments); throws on an unknown id. */');
  out.push('export function writeMethod(w: BufferWriter, id: number, args: object = {}): void {');
  out.push('  switch (id) {');
  for (const { c, m, id } of allMethods) {
    const name = `${pascal(c.name)}${pascal(m.name)}`;
    out.push(`    case ${hex32(id)}:`);
    out.push(`      return write${name}(w, args as EncodeArgs<${name}Args>);`);
  }
  out.push('    default:');
  out.push('      throw new RangeError(`cannot encode unknown method id ${id}`);');
  out.push('  }');
  out.push('}');
  out.push('');
  out.push('/** A complete method frame (type 1, channel, size, payload, frame-end) in one exact-size buffer. */');
  out.push('export function encodeMethodFrame(channel: number, id: number, args: object = {}): Buffer {');
  out.push('  beginFrame(channel);');
  out.push('  writeMethod(scratch, id, args);');
  out.push('  return endFrame();');
  out.push('}');

  genDispatch(allMethods, dataOrder, out);

  const basic = classes.find((c) => c.name === 'basic');
  if (basic === undefined) throw new Error('no basic class in spec');
  genProperties(basic, out);

  return `${out.join('\n')}\n`;
}

function main(argv: string[]): number {
  const text = generate(readFileSync(SPEC_PATH, 'utf8'));
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT_PATH, 'utf8');
    } catch {
      // A missing file is simply stale.
    }
    if (current !== text) {
      process.stderr.write('src/amqp/spec.generated.ts is stale: run `npx tsx tools/gen-amqp-spec.ts`\n');
      return 1;
    }
    return 0;
  }
  writeFileSync(OUTPUT_PATH, text);
  return 0;
}

const entry = process.argv.at(1);
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = main(process.argv.slice(2));
}
