import { channelMaxTooHigh, frameMaxTooHigh, frameMaxTooLow } from '../../broker/errors.js';
import { FRAME_MIN_SIZE, type ConnectionTuneOkArgs } from '../../amqp/spec.generated.js';

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
export function negotiateTune(a: ConnectionTuneOkArgs, maxFrame: number, maxChannels: number): TuneResult {
  if (a.frameMax === 0 || a.frameMax > maxFrame) throw frameMaxTooHigh(a.frameMax, maxFrame);
  if (a.frameMax < FRAME_MIN_SIZE) throw frameMaxTooLow(a.frameMax, FRAME_MIN_SIZE);
  if (a.channelMax === 0 || a.channelMax > maxChannels) {
    throw channelMaxTooHigh(a.channelMax === 0 ? '0 (no limit)' : String(a.channelMax), maxChannels);
  }
  return { frameMax: a.frameMax, channelMax: a.channelMax, heartbeat: a.heartbeat };
}
