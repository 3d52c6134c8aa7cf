import { MethodId, methodName, type ChannelMethodHandlers } from '../../amqp/spec.generated.js';
import { notImplementedArg, secondChannelOpen, unimplementedMethod } from '../../broker/errors.js';
import type { Channel } from './channel.js';

const M = MethodId;

/** The channel class on an open channel (and access.request): the channel's handlers. */
export const channelMethods: Pick<
  ChannelMethodHandlers<Channel>,
  'ChannelOpen' | 'ChannelFlow' | 'ChannelFlowOk' | 'ChannelClose' | 'ChannelCloseOk' | 'AccessRequest'
> = {
  ChannelOpen() {
    throw secondChannelOpen();
  },
  ChannelFlow(ch, a) {
    // RabbitMQ no longer implements flow=false from clients.
    if (!a.active) throw notImplementedArg('active=false');
    ch.send(M.ChannelFlowOk, { active: true });
  },
  ChannelFlowOk() {
    // We never send channel.flow, so there is nothing to answer.
    throw unimplementedMethod(methodName(M.ChannelFlowOk));
  },
  ChannelClose(ch) {
    ch.teardown();
    ch.send(M.ChannelCloseOk, {});
    ch.conn.channelFinished(ch);
  },
  ChannelCloseOk() {
    // Not closing (a closing channel handles close-ok before dispatch): nothing to finish.
  },
  AccessRequest(ch) {
    // Deprecated in 0-9-1; RabbitMQ answers with ticket 1 and checks nothing.
    ch.send(M.AccessRequestOk, { reserved1: 1 });
  },
};
