/** Catalog routes: lists. */
import type { FastifyPluginAsync } from 'fastify';
import type { Kernel } from '../../kernel/context.js';

export const listRoutes: FastifyPluginAsync<{ kernel: Kernel }> = async () => {};
