import { startBroker, type StartOptions } from '../../src/index.js';

/** A broker for one test file: Warren in-process, or an external one when WARREN_TEST_URL is set. */
export interface TestBroker {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  host: string;
  port: number;
  /** True when running against an external broker (e.g. a real RabbitMQ, to check that assertions describe RabbitMQ). */
  external: boolean;
  close(): Promise<void>;
}

/**
 * Starts Warren on an ephemeral port with a temp data dir; with WARREN_TEST_URL=amqp://guest:guest@127.0.0.1:5682
 * the same tests run against that broker instead.
 */
export async function startTestBroker(options: StartOptions = {}): Promise<TestBroker> {
  const ext = process.env.WARREN_TEST_URL;
  if (ext) {
    const u = new URL(ext);
    return { url: ext, host: u.hostname, port: Number(u.port || 5672), external: true, close: async () => {} };
  }
  const b = await startBroker({ logLevel: 'silent', ...options });
  return { url: b.url, host: '127.0.0.1', port: b.port, external: false, close: () => b.close() };
}

/** Runs fn with a fresh broker, closing it afterwards. */
export async function withBroker<T>(fn: (url: string, broker: TestBroker) => Promise<T>, options?: StartOptions): Promise<T> {
  const b = await startTestBroker(options);
  try {
    return await fn(b.url, b);
  } finally {
    await b.close();
  }
}
