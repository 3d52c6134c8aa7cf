/**
 * Message rewriting is the broker's (broker/message.ts, on the codec's
 * property rewriting); re-exported under the path direct-reply-to.ts imports.
 */
export { rewriteMessage } from '../broker/message.js';
