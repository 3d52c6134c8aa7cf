/** This node's name as the management API reports it (RabbitMQ: rabbit@<host>); it is src/identity.ts's. */
export { NODE_NAME } from '../identity.js';
