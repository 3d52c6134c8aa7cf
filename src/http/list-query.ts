/**
 * RabbitMQ's list query parameters for every GET that answers a list (rabbit_mgmt_util):
 * `sort`, `sort_reverse`, `columns`, `page`, `page_size` (max 500), `name`, `use_regex`,
 * and the paged shape `{items, page, page_count, page_size, filtered_count, item_count, total_count}`.
 *
 * STUB: answers the items unchanged; the management-objects work fills it in. Routes call it already.
 */
import type { FastifyRequest } from 'fastify';

/**
 * The answer to a list request: the items (sorted, filtered, paged, reduced to `columns`) or the
 * paged object when `page` is given. `defaultSort` is RabbitMQ's default sort of that list (dotted
 * paths, e.g. ['vhost', 'name']). Throws an AdminError (400) for bad parameters.
 */
export function listReply(_req: FastifyRequest, items: Record<string, unknown>[], _defaultSort: readonly string[] = ['name']): unknown {
  return items;
}
