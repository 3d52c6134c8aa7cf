/**
 * The broker's field tables are the codec's (amqp/codec/field-value.ts, one
 * model: ARCHITECTURE.md lets broker/ use the codec's value types). This
 * re-export keeps the import path the rest of broker/, store/, admin/ and the
 * tests still use; new code imports the codec module directly.
 */
export type { FieldTable } from '../amqp/codec/field-value.js';
