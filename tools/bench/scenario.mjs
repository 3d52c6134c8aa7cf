// One scenario run: producer connection -> queue -> consumer connection, warm-up, measured
// window, drain, exactly-once check, cleanup.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { RawConnection } from './raw-amqp.mjs';
import { Producer, Consumer, Verifier } from './load.mjs';
import { ProcWindow } from './proc-stats.mjs';
import { QUEUE_FEATURE_SCENARIOS } from './queue-features.mjs';
import { BACKLOG_SCENARIO } from './backlog.mjs';
import { STORE_FLOW_SCENARIOS } from './store-flow.mjs';
import { MANAGEMENT_SCALE_SCENARIO } from './management-scale.mjs';
import { IDLE_SCENARIO, CHURN_SCENARIO } from './connections.mjs';

/** The scenarios, in run order. */
export const SCENARIOS = [
  { name: '1to1-noack', ack: false, prefetch: 0, what: '1 producer -> 1 queue -> 1 consumer, auto-ack (no-ack)' },
  { name: '1to1-ack-pf100', ack: true, prefetch: 100, what: 'as 1to1-noack, one basic.ack per message, prefetch 100' },
  {
    name: 'priority-1to1', ack: false, prefetch: 0, queueArgs: { 'x-max-priority': 10 }, priorities: 11,
    what: 'as 1to1-noack on an x-max-priority 10 queue, random priorities 0..10',
  },
  {
    name: 'persistent-confirms', ack: true, prefetch: 100, persistent: true, durable: true, confirmWindow: 1000, size: 1024,
    what: '1 KiB persistent messages to a durable queue, publisher confirms (window 1,000), manual ack (prefetch 100)',
  },
  ...QUEUE_FEATURE_SCENARIOS,
  BACKLOG_SCENARIO,
  ...STORE_FLOW_SCENARIOS,
  MANAGEMENT_SCALE_SCENARIO,
  // long (minutes each): only when named, e.g. npm run bench -- --scenarios idle-20k,churn
  IDLE_SCENARIO,
  CHURN_SCENARIO,
];

const STALL_MS = 10000; // drain gives up when nothing arrives for this long

/**
 * Runs `scn` against the broker at `conn` ({host, port, user, pass, vhost}). Never throws:
 * failures end up in result.error / result.verify.ok. `brokerPid` (or null) is sampled for
 * RSS/CPU over the window; `brokerExited` (a promise, optional) aborts the run. Scenarios with their own run()
 * get `brokerMain` (the entry file, when the bench started Warren) and `nodeArgs` to start fresh brokers of their own.
 */
export async function runScenario(scn, { conn, duration, warmup, size: defaultSize, maxInflight, drainTimeout, brokerPid, brokerExited, brokerMain, nodeArgs }) {
  const size = scn.size ?? defaultSize;
  if (scn.run) return scn.run({ conn, size, brokerPid, brokerExited, brokerMain, nodeArgs, duration, warmup, maxInflight, drainTimeout });
  const nonce = randomBytes(4).readUInt32LE(0);
  const queue = `warren-bench.${scn.name}`;
  const result = {
    name: scn.name, ok: false, ack: scn.ack, prefetch: scn.prefetch || null, size, duration_s: null,
    publish_rate: null, confirm_rate: null, deliver_rate: null, published: 0, delivered: 0, nacked: 0,
    window: null, verify: null, broker_rss_kb: null, broker_cpu_pct: null, bench_cpu_pct: null,
    max_inflight: maxInflight, max_inflight_seen: 0, producer_paused: 0, drain_s: null, error: null,
  };
  const pconn = new RawConnection({ ...conn, name: `warren-bench ${scn.name} producer` });
  const cconn = new RawConnection({ ...conn, name: `warren-bench ${scn.name} consumer` });
  const abort = new Promise((_, reject) => {
    pconn.onError = (e) => reject(new Error(`producer connection: ${e.message}`));
    cconn.onError = (e) => reject(new Error(`consumer connection: ${e.message}`));
    if (brokerExited) brokerExited.then((x) => reject(new Error(`broker exited (${x.signal ?? `code ${x.code}`})`)));
  });
  abort.catch(() => {});
  const sleep = (ms) => Promise.race([delay(ms), abort]);
  let producer = null, consumer = null, verifier = null;

  try {
    await Promise.race([Promise.all([pconn.connect(), cconn.connect()]), abort]);
    await pconn.openChannel(1);
    await cconn.openChannel(1);
    await pconn.queueDeclare(1, queue, { durable: scn.durable === true, args: scn.queueArgs ?? {} });
    if (scn.confirmWindow) await pconn.confirmSelect(1);
    await pconn.queuePurge(1, queue); // a run killed half-way may have left messages
    verifier = new Verifier(nonce);
    consumer = new Consumer(cconn, { ack: scn.ack, verifier, channel: 1 });
    cconn.sink = consumer;
    if (scn.ack) await cconn.qos(1, scn.prefetch);
    await cconn.consume(1, queue, { noAck: !scn.ack });
    producer = new Producer(pconn, { queue, size, nonce, maxInflight, consumer, channel: 1, priorities: scn.priorities, persistent: scn.persistent, confirmWindow: scn.confirmWindow });
    consumer.producer = producer;

    producer.start();
    await sleep(warmup * 1000);
    const proc = brokerPid ? new ProcWindow(brokerPid) : null;
    const p0 = producer.published, c0 = producer.confirmed, d0 = consumer.delivered, cpu0 = process.cpuUsage(), t0 = performance.now();
    if (proc) proc.start();
    await sleep(duration * 1000);
    const p1 = producer.published, c1 = producer.confirmed, d1 = consumer.delivered, cpu1 = process.cpuUsage(cpu0);
    const secs = (performance.now() - t0) / 1000;
    const procStats = proc ? proc.stop() : null;
    producer.stop();

    result.duration_s = round(secs, 3);
    result.publish_rate = Math.round((p1 - p0) / secs);
    result.deliver_rate = Math.round((d1 - d0) / secs);
    if (scn.confirmWindow) result.confirm_rate = Math.round((c1 - c0) / secs);
    result.window = { published: p1 - p0, delivered: d1 - d0 };
    result.bench_cpu_pct = round(((cpu1.user + cpu1.system) / 1e6 / secs) * 100, 1);
    if (procStats) { result.broker_rss_kb = procStats.rss_kb; result.broker_cpu_pct = procStats.cpu_pct; }

    // drain: everything handed to the socket must come back, once
    const tDrain = performance.now();
    let last = consumer.delivered, lastMove = tDrain;
    while (consumer.delivered < producer.published) {
      const now = performance.now();
      if (consumer.delivered !== last) { last = consumer.delivered; lastMove = now; }
      if (now - lastMove > STALL_MS || now - tDrain > drainTimeout * 1000) break;
      await sleep(20);
    }
    const drained = consumer.delivered >= producer.published;
    result.drain_s = round((performance.now() - tDrain) / 1000, 2);
    await sleep(300); // late duplicates would arrive now
    const left = (await pconn.queueDeclare(1, queue, { passive: true })).messageCount;
    const { missing, firstMissing } = verifier.missing(producer.published);
    result.verify = {
      expected: producer.published, verified: verifier.unique, missing, duplicates: verifier.duplicates,
      foreign: verifier.foreign, unverifiable: verifier.unverifiable, redelivered: consumer.redelivered,
      left_in_queue: left, drained, first_missing: firstMissing,
      ok: drained && missing === 0 && verifier.duplicates === 0 && verifier.foreign === 0 && verifier.unverifiable === 0 && left === 0,
    };
    result.ok = result.verify.ok;
  } catch (e) {
    result.error = e.message;
  } finally {
    if (producer) { producer.stop(); Object.assign(result, { published: producer.published, nacked: producer.nacked, max_inflight_seen: producer.maxSeenInflight, producer_paused: producer.pauses }); }
    if (consumer) result.delivered = consumer.delivered;
    if (result.verify === null && verifier && producer) {
      const { missing } = verifier.missing(producer.published);
      result.verify = { expected: producer.published, verified: verifier.unique, missing, duplicates: verifier.duplicates, ok: false };
    }
    await cconn.close();
    if (pconn.error === null && pconn.socket !== null) await pconn.queueDelete(1, queue).catch(() => {});
    await pconn.close();
  }
  return result;
}

function round(x, digits) { const f = 10 ** digits; return Math.round(x * f) / f; }
