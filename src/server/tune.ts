import { ConnectionError } from '../amqp/errors.js';
import * as spec from '../amqp/spec.generated.js';

/** What connection.tune-ok settles for the rest of the connection. */
export interface TuneResult {
  frameMax: number;
  channelMax: number;
  /** Seconds; 0 = no heartbeats (RabbitMQ takes the client's value as it is). */
  heartbeat: number;
}

/**
 * Checks a client's connection.tune-ok against the server's limits, with
 * RabbitMQ's 530 texts. RabbitMQ refuses 0 ("no limit") for frame_max and
 * channel_max, since its own limits are finite; frame_max below the spec's
 * minimum (4096, which old amqplib uses) is refused too.
 */
export function negotiateTune(a: spec.ConnectionTuneOkArgs, maxFrame: number, maxChannels: number): TuneResult {
  if (a.frameMax === 0 || a.frameMax > maxFrame) {
    throw new ConnectionError(530, `negotiated frame_max = ${a.frameMax} is higher than the maximum allowed value (${maxFrame})`, 10, 31);
  }
  if (a.frameMax < spec.FRAME_MIN_SIZE) {
    throw new ConnectionError(530, `negotiated frame_max = ${a.frameMax} is lower than the minimum allowed value (${spec.FRAME_MIN_SIZE})`, 10, 31);
  }
  if (a.channelMax === 0 || a.channelMax > maxChannels) {
    const shown = a.channelMax === 0 ? '0 (no limit)' : String(a.channelMax);
    throw new ConnectionError(530, `negotiated channel_max = ${shown} is higher than the maximum allowed value (${maxChannels})`, 10, 31);
  }
  return { frameMax: a.frameMax, channelMax: a.channelMax, heartbeat: a.heartbeat };
}
