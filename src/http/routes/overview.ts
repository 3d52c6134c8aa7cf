/** GET /api/overview (rabbit_mgmt_wm_overview): the logic and visibility are admin/overview.ts's. */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../../admin/admin-context.js';
import { overview } from '../../admin/overview.js';
import { statsRanges } from '../../admin/stats-query.js';
import { authenticate } from '../auth.js';
import { sendError } from '../send-error.js';

/** What the overview route needs. */
export interface OverviewRouteOptions {
  admin: AdminContext;
}

type OverviewQuerystring = { Querystring: { disable_stats?: string; enable_queue_totals?: string } };

/** Registers GET /api/overview. */
export async function overviewRoutes(app: FastifyInstance, opts: OverviewRouteOptions): Promise<void> {
  const { admin } = opts;
  app.setErrorHandler(async (err, _req, reply) => sendError(reply, err));
  app.get<OverviewQuerystring>('/api/overview', async (req) => {
    const user = authenticate(admin, req);
    return overview(admin, user, {
      disableStats: req.query.disable_stats === 'true',
      enableQueueTotals: req.query.enable_queue_totals === 'true',
      ranges: statsRanges(req.query),
    });
  });
}
