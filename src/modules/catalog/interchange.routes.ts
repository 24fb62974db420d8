/** Catalog routes: interchange. */
import type { FastifyPluginAsync } from 'fastify';
import type { Kernel } from '../../kernel/context.js';

export const interchangeRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async () => {};
