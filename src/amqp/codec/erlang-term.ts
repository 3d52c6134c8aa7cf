/**
 * Values printed as Erlang prints them. RabbitMQ builds its error texts with
 * io_lib (`{value_negative,-1}`, `<<"abc">>`, `type 1, all octets = <<...>>`),
 * rabbitmqctl prints tables as Erlang terms, and clients (and their users'
 * tests) see those texts verbatim, so every Erlang-style rendering Warren makes
 * lives here: binaries (`~w` and `~p`, with io_lib_pretty's line wrapping),
 * strings, floats, atoms, tagged tuples, decoded field values, and JSON values
 * as RabbitMQ decodes them.
 */
import { fieldTypeOf, rabbitTypeName, type FieldTable } from './field-value.js';

// ---------------------------------------------------------------- binaries

/** How many input bytes the "cannot decode" text spells out; RabbitMQ cuts reply texts at 255 bytes anyway. */
const MAX_FORMATTED_BYTES = 128;

/**
 * Formats bytes the way Erlang's `~w` prints a binary, e.g. `<<0,0,5,97,98>>`,
 * so our error texts read like RabbitMQ's. Long inputs end in `,...` after
 * enough bytes to fill a 255-byte reply text.
 */
export function formatErlangBinary(buf: Buffer, start: number, end: number): string {
  const stop = Math.min(end, start + MAX_FORMATTED_BYTES, buf.length);
  let s = '<<';
  for (let i = start; i < stop; i++) s += i === start ? `${buf[i]}` : `,${buf[i]}`;
  if (stop < end) s += ',...';
  return `${s}>>`;
}

/** Erlang's io_lib printable_latin1_list: what `~p` prints as text rather than as numbers. */
function isPrintable(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if ((c >= 32 && c <= 126) || c >= 160 || (c >= 8 && c <= 13) || c === 27) continue;
    return false;
  }
  return true;
}

/** io_lib:write_string's escapes for the non-graphic characters printable_latin1_list accepts, plus " and \. */
const ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  27: '\\e',
  34: '\\"',
  92: '\\\\',
};

/** Printable bytes in double quotes, escaped as `~p` does: the octets Erlang emits, one per character. */
function quoted(bytes: Uint8Array, start: number, end: number): Buffer {
  const out: number[] = [34];
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    const e = ESCAPES[c];
    if (e === undefined) out.push(c);
    else for (let k = 0; k < e.length; k++) out.push(e.charCodeAt(k));
  }
  out.push(34);
  return Buffer.from(out);
}

/**
 * `~p` of an Erlang binary, on one line. Bytes 160–255 pass through raw, as
 * RabbitMQ sends them: a UTF-8 text whose bytes are all in that range ("fóo")
 * reads back unchanged, one with other bytes ("f€") prints as numbers.
 */
function erlangBinary(bytes: Uint8Array): string {
  if (bytes.length === 0) return '<<>>';
  return isPrintable(bytes, 0, bytes.length) ? `<<${quoted(bytes, 0, bytes.length).toString('utf8')}>>` : `<<${bytes.join(',')}>>`;
}

/** Erlang's default `~p` line length. */
const LINE = 80;

/**
 * `~p` of buf[start..end) as an Erlang binary at column `col` (characters
 * already on the line), for frame snippets: a string when every octet is
 * printable, else decimal octets filled to the line and wrapped two columns in
 * (io_lib_pretty:pp_binary). Printable octets 160–255 become the latin1
 * characters they stand for, not raw bytes as in erlangBinary: snippet texts
 * have always read that way.
 */
export function prettyErlangBinary(buf: Buffer, start: number, end: number, col: number): string {
  if (start === end) return '<<>>';
  if (isPrintable(buf, start, end)) return `<<${quoted(buf, start, end).toString('latin1')}>>`;
  const octets: string[] = [];
  for (let i = start; i < end; i++) octets.push(String(buf[i]));
  const flat = `<<${octets.join(',')}>>`;
  if (flat.length < LINE - (col + 1)) return flat;
  const indent = '\n' + ' '.repeat(col + 2);
  const width = Math.max(8, Math.min(LINE - (col + 3), flat.length - 4));
  let room = width;
  let out = '<<';
  for (let i = 0; i < octets.length; i++) {
    const o = octets[i];
    if (i === octets.length - 1) {
      out += o.length > room ? indent + o : o;
    } else if (room - (o.length + 1) < 0) {
      out += indent + o + ',';
      room = width - (o.length + 1);
    } else {
      out += o + ',';
      room -= o.length + 1;
    }
  }
  return out + '>>';
}

// ---------------------------------------------------------------- strings, numbers, atoms, tuples

/** `~p` of an Erlang string (a list of bytes, as RabbitMQ formats with ~s): quoted when printable, else numbers. */
export function erlangString(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length === 0) return '[]';
  return isPrintable(bytes, 0, bytes.length) ? quoted(bytes, 0, bytes.length).toString('utf8') : `[${bytes.join(',')}]`;
}

/**
 * `~p` of a float (io_lib_format:fwrite_g): the shortest digits that read back
 * as the same number, in plain notation unless the exponent form is shorter.
 */
export function erlangFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(x)) return String(x);
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest round-trip digits.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const place = Number(exp) + 1; // the value is 0.<digits> × 10^place
  const len = digits.length;
  if (place === 0) return `${sign}0.${digits}`;
  if (place > 0 && place < len) return `${sign}${digits.slice(0, place)}.${digits.slice(place)}`;
  const expText = String(place - 1);
  const expCost = expText.length + 1 + (len === 1 ? 2 : 1);
  const plain = place < 0 ? 2 - place <= expCost : place - len + 2 <= expCost;
  if (plain) return sign + (place < 0 ? `0.${'0'.repeat(-place)}${digits}` : `${digits}${'0'.repeat(place - len)}.0`);
  return `${sign}${digits[0]}.${len === 1 ? '0' : digits.slice(1)}e${expText}`;
}

const ERLANG_RESERVED = new Set(
  ('after and andalso band begin bnot bor bsl bsr bxor case catch cond div end fun if let maybe not of or orelse ' +
    'receive rem try when xor').split(' '),
);

/** `~p` of an atom: bare when it can be, else single-quoted (exchange types are atoms in RabbitMQ). */
export function erlangAtom(name: string): string {
  if (/^[a-z][A-Za-z0-9_@]*$/.test(name) && !ERLANG_RESERVED.has(name)) return name;
  return `'${name.replace(/[\\']/g, (c) => '\\' + c)}'`;
}

/**
 * `~p` of a tuple {tag,v1,...} of an atom and integers at column `col`: on one
 * line when it fits, else io_lib_pretty's tagged-tuple layout (elements after
 * the tag wrap to one column past the brace). Observed:
 * `{invalid_frame_end_marker,\n<col+1 spaces>65}` once the line would reach 80 characters.
 */
export function prettyTaggedTuple(tag: string, values: string[], col: number): string {
  const flat = `{${tag},${values.join(',')}}`;
  if (flat.length < LINE - (col + 1)) return flat;
  // Columns are 1-based as in io_lib_pretty; `at` is where the next character goes.
  let at = col + 1 + tag.length + 2;
  let out = `{${tag}`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const last = i === values.length - 1;
    const fits = last ? v.length + 1 < LINE - at - 1 : v.length + 2 < LINE - at;
    if (fits) {
      out += ',' + v;
      at += v.length + 1;
    } else {
      out += ',\n' + ' '.repeat(col + 1) + v;
      at = col + 2 + v.length;
    }
  }
  return out + '}';
}

// ---------------------------------------------------------------- field values

/** The tag of a member of a decoded array or table (a hole in a sparse array reads as void). */
function memberType(container: object, key: string | number): string {
  return fieldTypeOf(container, key) ?? 'V';
}

/**
 * A decoded field value of wire tag `tag` printed as Erlang's `~p` prints
 * RabbitMQ's decoded term: integers and timestamps as integers, floats in
 * Erlang's shortest form (`1.0e3`, `100.0`, `0.1`), longstr/binary as
 * `<<"text">>` (or `<<1,2>>` when not printable), void as `undefined`, decimal
 * as `{Scale,Value}`, arrays as `[{byte,1},{longstr,<<"a">>}]`, tables as
 * `[{<<"k">>,byte,1}]`. Long terms are kept on one line (Erlang would wrap
 * them past 80 columns).
 */
export function formatErlangTerm(v: unknown, tag: string): string {
  switch (rabbitTypeName(tag)) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'float':
    case 'double':
      return erlangFloat(Number(v));
    case 'timestamp':
      return String(v instanceof Date ? Math.floor(v.getTime() / 1000) : v);
    case 'void':
      return 'undefined';
    case 'longstr':
    case 'binary':
      return erlangBinary(typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array));
    case 'decimal': {
      const d = v as { scale: number; value: number };
      return `{${d.scale},${d.value}}`;
    }
    case 'array': {
      const a = v as unknown[];
      const elements = a.map((e, i) => {
        const et = memberType(a, i);
        return `{${rabbitTypeName(et)},${formatErlangTerm(e, et)}}`;
      });
      return `[${elements.join(',')}]`;
    }
    case 'table': {
      const t = v as FieldTable;
      const entries = Object.keys(t).map((k) => {
        const et = memberType(t, k);
        return `{${erlangBinary(Buffer.from(k, 'utf8'))},${rabbitTypeName(et)},${formatErlangTerm(t[k], et)}}`;
      });
      return `[${entries.join(',')}]`;
    }
    default:
      return String(v);
  }
}

// ---------------------------------------------------------------- JSON values

/**
 * A JSON value printed as Erlang's `~p` prints it after RabbitMQ's JSON
 * decoding (policy validation texts): strings as binaries, objects as maps
 * `#{...}` with sorted keys, null as the atom `null`.
 */
export function formatJsonTerm(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : erlangFloat(v);
  if (typeof v === 'string') return erlangBinary(Buffer.from(v, 'utf8'));
  if (Array.isArray(v)) return `[${v.map(formatJsonTerm).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `#{${Object.keys(o)
      .sort()
      .map((k) => `${formatJsonTerm(k)} => ${formatJsonTerm(o[k])}`)
      .join(',')}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were printed above: what is left is a primitive
  return String(v);
}

/**
 * JSON values printed the way rabbitmqctl prints AMQP tables in its
 * TAB-separated output (Erlang `~tp` of the prettified table, checked on
 * 3.10.8): a table is
 * `[{"key",value},...]`, an array `[v,...]`, strings double-quoted with `"` and
 * `\` escaped, booleans `true`/`false`, null `undefined`, an empty table `[]`.
 */
export function formatCtlTerm(v: unknown): string {
  if (typeof v === 'string') return unicodeString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(formatCtlTerm).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return `[${entries.map(([k, x]) => `{${unicodeString(k)},${formatCtlTerm(x)}}`).join(',')}]`;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were printed above: what is left is a primitive
  return String(v);
}

const UNICODE_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** `~tp` of a string: characters as they are (the `t` modifier prints Unicode), a few escaped. */
function unicodeString(s: string): string {
  return `"${s.replace(/["\\\n\t\r]/g, (c) => UNICODE_ESCAPES[c])}"`;
}
