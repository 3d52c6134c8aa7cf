/**
 * How numbers, sizes, rates and times read on screen (RabbitMQ's UI conventions: "1.2k",
 * "12 MiB", "3.4/s").
 */

/** 1234 -> "1,234"; undefined -> "". */
export function count(n: number | undefined | null): string {
  if (n === undefined || n === null || Number.isNaN(n)) return '';
  return n.toLocaleString('en-US');
}

/** A rate per second, as RabbitMQ shows it: "0.00/s", "12/s", "1.2k/s". */
export function rate(r: number | undefined | null): string {
  if (r === undefined || r === null || Number.isNaN(r)) return '';
  const a = Math.abs(r);
  if (a >= 1e6) return `${(r / 1e6).toFixed(1)}M/s`;
  if (a >= 1e4) return `${(r / 1e3).toFixed(1)}k/s`;
  if (a >= 100) return `${Math.round(r)}/s`;
  return `${r.toFixed(a >= 10 ? 1 : 2)}/s`;
}

/** Bytes in binary units: "512 B", "12 KiB", "3.4 GiB". */
export function bytes(n: number | undefined | null): string {
  if (n === undefined || n === null || Number.isNaN(n)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** A duration in ms as "3d 4h", "5h 6m", "7m 8s", "9s". */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A ms timestamp as local date and time. */
export function timestamp(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A value of an arguments table or properties as text. */
export function value(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

/** The vhost as RabbitMQ's UI names it in tables. */
export function vhostLabel(v: string): string {
  return v;
}
