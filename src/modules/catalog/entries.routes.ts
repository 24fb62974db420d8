/** Catalog routes: entries. */
import type { FastifyPluginAsync } from 'fastify';
import type { Kernel } from '../../kernel/context.js';

export const entryRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async () => {};
