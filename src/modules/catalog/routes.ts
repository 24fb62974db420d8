/** Catalog HTTP routes, one plugin per part of the module. */
import type { FastifyPluginAsync } from 'fastify';
import type { Kernel } from '../../kernel/context.js';
import { entryRoutes } from './entries.routes.js';
import { searchRoutes } from './search.routes.js';
import { listRoutes } from './lists.routes.js';
import { interchangeRoutes } from './interchange.routes.js';
import { piiProposalRoutes } from './pii-proposal.routes.js';

export const catalogRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async (app, opts) => {
  await app.register(entryRoutes, opts);
  await app.register(searchRoutes, opts);
  await app.register(listRoutes, opts);
  await app.register(interchangeRoutes, opts);
  await app.register(piiProposalRoutes, opts);
};
