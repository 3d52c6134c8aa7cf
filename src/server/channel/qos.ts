import { MethodId, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import type { Consumer } from '../../broker/consumer.js';
import { notImplementedArg } from '../../broker/errors.js';
import type { Channel } from './channel.js';
import { afterSettle } from './delivery.js';

/**
 * A channel's basic.qos prefetch limits. RabbitMQ's reading of the flag:
 * global=false sets the prefetch of consumers created from now on (each then
 * counts its own unacked deliveries, in Consumer); global=true one limit
 * shared by all the channel's consumers.
 */
export class Qos {
  /** basic.qos global=false: prefetch for consumers created from now on (0 = unlimited). */
  prefetch = 0;
  /** basic.qos global=true: limit shared by all consumers of the channel (0 = unlimited). */
  globalPrefetch = 0;

  /** True when the channel-wide limit lets c receive one more delivery while `unacked` are outstanding. */
  allows(c: Consumer, unacked: number): boolean {
    return c.noAck || this.globalPrefetch === 0 || unacked < this.globalPrefetch;
  }
}

/** basic.qos: the channel's handler. */
export const qosMethods: Pick<ChannelMethodHandlers<Channel>, 'BasicQos'> = {
  BasicQos(ch, a) {
    if (a.prefetchSize !== 0) throw notImplementedArg(`prefetch_size!=0 (${a.prefetchSize})`);
    if (a.global) ch.qos.globalPrefetch = a.prefetchCount;
    else ch.qos.prefetch = a.prefetchCount;
    ch.send(MethodId.BasicQosOk, {});
    // A raised limit lets waiting messages go out now.
    afterSettle(ch);
  },
};
