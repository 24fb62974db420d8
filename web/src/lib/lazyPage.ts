/**
 * Pages fetched on first visit (React.lazy). A page that brings a large library — the sandbox's SQL
 * editor (CodeMirror), the charts (ECharts) — is split off with it, so signing in or opening the
 * portal does not download them. Render the page inside <Suspense fallback={<PageLoading />}>.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { PageLoadFailed } from '../components/PageLoading';

/** The page `name` exported by the module `load` imports (`lazyPage(() => import('./X'), 'XPage')`). */
export function lazyPage<K extends string, M extends Record<K, ComponentType>>(load: () => Promise<M>, name: K): LazyExoticComponent<ComponentType> {
  // A failed fetch shows a page that offers a reload rather than leaving the layout blank.
  return lazy<ComponentType>(() => load().then((m) => ({ default: m[name] }), () => ({ default: PageLoadFailed })));
}
