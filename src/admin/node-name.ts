import { hostname } from 'node:os';

/** This node's name as the management API reports it (RabbitMQ: rabbit@<host>; the cluster_name Warren announces). */
export const NODE_NAME = `warren@${hostname()}`;
