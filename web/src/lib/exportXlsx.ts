/**
 * The plain parts of exporting a list to XLSX (JOURNEYS: every list exports with its current
 * filters): fetching every page of the list, turning a table's columns into header titles and cell
 * text, and naming the file. No React, antd or exceljs here, so it is tested directly.
 */
import { todayInBeijing } from './dates';

/** The most rows one export holds; beyond it the reader is told to narrow the filters. */
export const EXPORT_ROW_CAP = 10_000;

/**
 * One page as the list's own API call returns it. Offset-paged lists give `total`; cursor-paged
 * ones (the audit log) give `next`, null on the last page; a list the server returns whole gives
 * `next: null` so that it is read once.
 */
export interface FetchedPage<T> {
  items: T[];
  total?: number;
  next?: string | null;
}

export interface PageRequest {
  limit: number;
  offset: number;
  /** The previous page's `next`, for cursor-paged lists. */
  cursor: string | undefined;
}

export type PageFetcher<T> = (page: PageRequest) => Promise<FetchedPage<T>>;

export interface CollectedRows<T> {
  rows: T[];
  /** True when the list holds more than the cap and the export was cut. */
  truncated: boolean;
  /** The list's size where the server says it. */
  total: number | undefined;
}

/**
 * Reads every page of a list, `pageSize` rows at a time (the largest page the API accepts), up to
 * `cap` rows. One row more than the cap is asked for so that a cut export is known even when the
 * server does not give a total.
 */
export async function collectRows<T>(
  fetchPage: PageFetcher<T>,
  opts: { pageSize: number; cap?: number; onProgress?: (done: number, total: number | undefined) => void },
): Promise<CollectedRows<T>> {
  const cap = opts.cap ?? EXPORT_ROW_CAP;
  const pageSize = Math.max(1, Math.floor(opts.pageSize));
  const rows: T[] = [];
  let total: number | undefined;
  let cursor: string | undefined;
  for (;;) {
    const limit = Math.min(pageSize, cap + 1 - rows.length);
    const page = await fetchPage({ limit, offset: rows.length, cursor });
    rows.push(...page.items);
    if (page.total !== undefined) total = page.total;
    opts.onProgress?.(Math.min(rows.length, cap), total);
    if (rows.length > cap) break;
    if (page.items.length === 0) break;
    if (page.next !== undefined) {
      if (page.next === null) break;
      cursor = page.next;
    } else if (page.items.length < limit || (total !== undefined && rows.length >= total)) {
      break;
    }
  }
  const truncated = rows.length > cap || (total !== undefined && total > cap);
  return { rows: rows.slice(0, cap), truncated, total };
}

/**
 * The text a table cell shows: strings and numbers as they are, lists joined, and the text inside
 * simple JSX (`<Link>name</Link>`, `<Typography.Text>…</Typography.Text>`). A component that
 * computes its own text (a status tag) cannot be read here; its column gives `exportText` instead.
 */
export function cellText(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) {
    // `{prefix}…` reads as one word; separate elements (the lines of a <Space>) are spaced.
    let out = '';
    let lastWasElement = false;
    for (const item of node) {
      const text = cellText(item);
      if (text === '') continue;
      const element = typeof item === 'object';
      const spaced = out === '' || /\s$/.test(out) || /^\s/.test(text);
      out += !spaced && (element || lastWasElement) ? ` ${text}` : text;
      lastWasElement = element;
    }
    return out;
  }
  if (typeof node === 'object') {
    // A React element: its text is its children's. antd's `{ children, props }` cell objects too.
    const props = (node as { props?: unknown }).props;
    if (props && typeof props === 'object' && 'children' in props) return cellText((props as { children?: unknown }).children);
    if ('children' in node) return cellText((node as { children?: unknown }).children);
  }
  return '';
}

/** What a table column needs for export: the fields of an antd column plus `exportText`. */
export interface ExportableColumnLike<T> {
  title?: unknown;
  key?: string | number | bigint;
  dataIndex?: unknown;
  render?: (value: any, record: T, index: number) => unknown;
  /** The cell's text when `render` returns a component; `false` leaves the column out. */
  exportText?: ((record: T, index: number) => string) | false;
  hidden?: boolean;
}

export interface ExportColumn<T> {
  title: string;
  text: (record: T, index: number) => string;
}

/** Columns whose cells are buttons, by the key the pages give them. */
const ACTION_KEYS = new Set(['actions', 'action', 'operations']);

function valueAt(record: unknown, dataIndex: unknown): unknown {
  if (dataIndex === undefined || dataIndex === null || dataIndex === '') return undefined;
  const path = Array.isArray(dataIndex) ? dataIndex : [dataIndex];
  let v: unknown = record;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(k)];
  }
  return v;
}

/**
 * The export's columns from a table's own: its visible titles in the reader's language, the text
 * each cell shows; action columns (and those marked `exportText: false`) are left out.
 */
export function exportColumnsOf<T>(columns: readonly ExportableColumnLike<T>[]): ExportColumn<T>[] {
  const out: ExportColumn<T>[] = [];
  for (const col of columns) {
    if (col.hidden || col.exportText === false) continue;
    if (col.key !== undefined && ACTION_KEYS.has(String(col.key))) continue;
    const title = cellText(col.title).trim();
    if (!title) continue;
    const { exportText, render, dataIndex } = col;
    const text = exportText
      ? exportText
      : (r: T, i: number) => {
          const value = valueAt(r, dataIndex);
          return cellText(render ? render(value, r, i) : value).trim();
        };
    out.push({ title, text });
  }
  return out;
}

/** Header row and body rows, ready for the sheet. */
export function sheetRows<T>(columns: readonly ExportColumn<T>[], records: readonly T[]): { header: string[]; rows: string[][] } {
  return {
    header: columns.map((c) => c.title),
    rows: records.map((r, i) => columns.map((c) => c.text(r, i))),
  };
}

/** `共享申请_2026-11-26.xlsx`: the page title and today's Beijing date, without characters file systems refuse. */
export function exportFileName(title: string, day: string = todayInBeijing()): string {
  const safe = title.replace(/[\\/:*?"<>|[\]\r\n\t]+/g, '_').trim() || 'export';
  return `${safe}_${day}.xlsx`;
}
