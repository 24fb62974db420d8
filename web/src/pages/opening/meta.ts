/**
 * Page title and meta description of a portal page (the server injects the same for crawlers).
 * A layout effect of the route wrapper sets the route's default first; a page's own effect, which
 * runs after it, refines them (e.g. with the dataset's name).
 */
import { useEffect, useLayoutEffect } from 'react';

function setDescription(text: string): void {
  let el = document.head.querySelector<HTMLMetaElement>('meta[name="description"]');
  if (!el) {
    el = document.createElement('meta');
    el.name = 'description';
    document.head.appendChild(el);
  }
  el.content = text;
}

export function setPageMeta(title: string, description?: string | null): void {
  document.title = title;
  if (description) setDescription(description.replace(/\s+/g, ' ').slice(0, 200));
}

/** The page's own title and description (undefined values leave them as they are). */
export function usePageMeta(title: string | undefined, description?: string | null): void {
  useEffect(() => {
    if (title) setPageMeta(title, description);
  }, [title, description]);
}

/** The route's default, set before any page effect. */
export function useDefaultMeta(title: string, description?: string | null): void {
  useLayoutEffect(() => {
    setPageMeta(title, description);
  }, [title, description]);
}
