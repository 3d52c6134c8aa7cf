/**
 * rabbitmqctl's rendering of AMQP tables, under the name warrenctl.ts imports;
 * the printing itself is the one Erlang-term module's (amqp/codec/erlang-term.ts).
 */
export { formatCtlTerm as formatErlangTerm } from '../amqp/codec/erlang-term.js';
