// Broker process RSS and CPU from /proc (Linux), and finding the process behind a port.
import fs from 'node:fs';

const CLK_TCK = 100; // USER_HZ: 100 on every mainstream Linux architecture

/** VmRSS of a process in KiB, or null. */
export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}

/** utime + stime of a process (all its threads) in seconds, or null. */
export function cpuSeconds(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // comm may contain spaces
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;      // fields 14 and 15
  } catch { return null; }
}

/** Samples RSS every 250 ms between start() and stop(); CPU% over the same span. */
export class ProcWindow {
  constructor(pid) { this.pid = pid; this.timer = null; }
  start() {
    this.t0 = performance.now();
    this.cpu0 = cpuSeconds(this.pid);
    this.rssStart = rssKb(this.pid);
    this.rssPeak = this.rssStart ?? 0;
    this.timer = setInterval(() => { const r = rssKb(this.pid); if (r !== null && r > this.rssPeak) this.rssPeak = r; }, 250);
    this.timer.unref();
  }
  /** {rss_kb: {start, peak, end}, cpu_pct} (cpu_pct 100 = one core), or null if unreadable. */
  stop() {
    clearInterval(this.timer);
    const secs = (performance.now() - this.t0) / 1000;
    const cpu1 = cpuSeconds(this.pid);
    const end = rssKb(this.pid);
    if (this.rssStart === null || end === null) return null;
    return {
      rss_kb: { start: this.rssStart, peak: Math.max(this.rssPeak, end), end },
      cpu_pct: this.cpu0 !== null && cpu1 !== null ? round1(((cpu1 - this.cpu0) / secs) * 100) : null,
    };
  }
}

function round1(x) { return Math.round(x * 10) / 10; }

/** PID of the process listening on a local TCP port (needs read access to its /proc/PID/fd), or null. */
export function pidListeningOn(port) {
  const inodes = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length >= 10 && c[3] === '0A' && parseInt(c[1].split(':')[1], 16) === port) inodes.add(c[9]); // 0A = LISTEN
    }
  }
  if (inodes.size === 0) return null;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds;
    try { fds = fs.readdirSync(`/proc/${d}/fd`); } catch { continue; }
    for (const fd of fds) {
      let link;
      try { link = fs.readlinkSync(`/proc/${d}/fd/${fd}`); } catch { continue; }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) return Number(d);
    }
  }
  return null;
}
