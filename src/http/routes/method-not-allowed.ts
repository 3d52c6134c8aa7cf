/** RabbitMQ answers a method a resource does not support with 405 and no body (cowboy_rest allowed_methods). */
import type { FastifyInstance, HTTPMethods } from 'fastify';

/** Registers 405 answers for these methods on url (the methods the resource does support are registered elsewhere). */
export function methodNotAllowed(app: FastifyInstance, url: string, methods: HTTPMethods[]): void {
  app.route({ method: methods, url, handler: async (_req, reply) => reply.code(405).send() });
}
