/**
 * Page titles and descriptions of the public portal for search engines: the single-page app's
 * `index.html` is sent for `/open…` paths with the page's `<title>` and `<meta name="description">`
 * in it — a dataset page's with the dataset's name, provider and summary — so crawlers that do
 * not run scripts still index each page by what it shows.
 */
import fs from 'node:fs/promises';
import type { Kernel } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import * as repo from './repo.js';
import { datasetCodeOf, injectPageMeta, OPEN_ATTR_LABELS, PORTAL_NAME, staticPageMeta, summaryOf, UPDATE_FREQUENCY_LABELS, type PageMeta } from './rules.js';
import { findOpenEntry } from './service.js';

const DESCRIPTION_MAX = 150;

/** The title and description of a portal page, or null for a path outside the portal. */
export async function portalPageMeta(k: Kernel, path: string): Promise<PageMeta | null> {
  if (path !== '/open' && !path.startsWith('/open/')) return null;
  const code = datasetCodeOf(path);
  if (!code) return staticPageMeta(path);
  try {
    const c = await findOpenEntry(k, code);
    const d = (await repo.versionDetails(k.db.kysely, [c.entryId])).get(c.entryId);
    const facts = `${c.providerName}提供，${OPEN_ATTR_LABELS[c.openAttr]}，${UPDATE_FREQUENCY_LABELS[c.updateFrequency] ?? c.updateFrequency}更新`;
    return { title: `${c.name} · ${c.providerName} · ${PORTAL_NAME}`, description: summaryOf(`${c.name}（${facts}）：${d?.description ?? ''}`, DESCRIPTION_MAX) };
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return staticPageMeta('/open/datasets');
    throw err;
  }
}

/** The portal page's HTML (`index.html` with its title and description), or null for a path outside the portal. */
export async function portalPageHtml(k: Kernel, path: string, indexHtmlFile: string): Promise<string | null> {
  const meta = await portalPageMeta(k, path);
  if (!meta) return null;
  return injectPageMeta(await fs.readFile(indexHtmlFile, 'utf8'), meta);
}
