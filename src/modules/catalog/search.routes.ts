/** Catalog routes: search. */
import type { FastifyPluginAsync } from 'fastify';
import type { Kernel } from '../../kernel/context.js';

export const searchRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async () => {};
