import { describe, expect, it } from 'vitest';
import { cellText, collectRows, exportColumnsOf, exportFileName, sheetRows, type FetchedPage, type PageRequest } from './exportXlsx';
import { formatDate, formatDateTime } from './dates';

/** A server list of `n` rows that honours limit and offset and says its total. */
function offsetList(n: number, maxLimit = 500) {
  const calls: PageRequest[] = [];
  const fetch = async (p: PageRequest): Promise<FetchedPage<number>> => {
    calls.push(p);
    const limit = Math.min(p.limit, maxLimit);
    return { items: Array.from({ length: Math.max(0, Math.min(limit, n - p.offset)) }, (_, i) => p.offset + i), total: n };
  };
  return { calls, fetch };
}

describe('collectRows', () => {
  it('reads every page of an offset-paged list and stops at its total', async () => {
    const list = offsetList(1_234);
    const r = await collectRows(list.fetch, { pageSize: 500, cap: 10_000 });
    expect(r.rows).toHaveLength(1_234);
    expect(r.rows[1_233]).toBe(1_233);
    expect(r.truncated).toBe(false);
    expect(r.total).toBe(1_234);
    expect(list.calls.map((c) => c.offset)).toEqual([0, 500, 1_000]);
  });

  it('reads a list of exactly one full page once', async () => {
    const list = offsetList(500);
    const r = await collectRows(list.fetch, { pageSize: 500 });
    expect(r.rows).toHaveLength(500);
    expect(list.calls).toHaveLength(1);
  });

  it('reads an empty list once and finds nothing to cut', async () => {
    const list = offsetList(0);
    const r = await collectRows(list.fetch, { pageSize: 200 });
    expect(r).toEqual({ rows: [], truncated: false, total: 0 });
    expect(list.calls).toHaveLength(1);
  });

  it('cuts a list longer than the cap and says so', async () => {
    const list = offsetList(25);
    const r = await collectRows(list.fetch, { pageSize: 10, cap: 20 });
    expect(r.rows).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(r.truncated).toBe(true);
    expect(r.total).toBe(25);
  });

  it('does not call a list of exactly the cap cut', async () => {
    const list = offsetList(20);
    const r = await collectRows(list.fetch, { pageSize: 10, cap: 20 });
    expect(r.rows).toHaveLength(20);
    expect(r.truncated).toBe(false);
  });

  it('finds a cut list without a total by asking for one row past the cap', async () => {
    const noTotal = async (p: PageRequest): Promise<FetchedPage<number>> => ({ items: Array.from({ length: p.limit }, (_, i) => p.offset + i) });
    const r = await collectRows(noTotal, { pageSize: 10, cap: 20 });
    expect(r.rows).toHaveLength(20);
    expect(r.truncated).toBe(true);
    expect(r.total).toBeUndefined();
    const exact = async (p: PageRequest): Promise<FetchedPage<number>> => ({ items: Array.from({ length: Math.max(0, Math.min(p.limit, 20 - p.offset)) }, (_, i) => p.offset + i) });
    const whole = await collectRows(exact, { pageSize: 10, cap: 20 });
    expect(whole.rows).toHaveLength(20);
    expect(whole.truncated).toBe(false);
  });

  it('follows a cursor until the server says there is no next page', async () => {
    const seen: (string | undefined)[] = [];
    const pages: Record<string, FetchedPage<string>> = {
      start: { items: ['a', 'b'], next: 'p2' },
      p2: { items: ['c', 'd'], next: 'p3' },
      p3: { items: ['e'], next: null },
    };
    const r = await collectRows(async (p) => {
      seen.push(p.cursor);
      const page = pages[p.cursor ?? 'start'];
      if (!page) throw new Error(`no page ${String(p.cursor)}`);
      return page;
    }, { pageSize: 2 });
    expect(r.rows).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(seen).toEqual([undefined, 'p2', 'p3']);
  });

  it('reads a list the server returns whole once', async () => {
    let calls = 0;
    const r = await collectRows(async () => {
      calls++;
      return { items: [1, 2, 3, 4, 5, 6], next: null };
    }, { pageSize: 2 });
    expect(r.rows).toEqual([1, 2, 3, 4, 5, 6]);
    expect(calls).toBe(1);
  });

  it('reports progress, never above the cap', async () => {
    const seen: [number, number | undefined][] = [];
    await collectRows(offsetList(30).fetch, { pageSize: 10, cap: 25, onProgress: (d, n) => seen.push([d, n]) });
    expect(seen).toEqual([
      [10, 30],
      [20, 30],
      [25, 30],
    ]);
  });

  it('passes a server error on', async () => {
    await expect(collectRows(async () => Promise.reject(new Error('权限不足')), { pageSize: 10 })).rejects.toThrow('权限不足');
  });
});

/** A React element's shape, without React. */
const el = (children: unknown) => ({ type: 'span', props: { children } });

describe('cellText', () => {
  it('reads strings, numbers, lists and the text inside simple elements', () => {
    expect(cellText('海南省公安厅')).toBe('海南省公安厅');
    expect(cellText(42)).toBe('42');
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText(false)).toBe('');
    expect(cellText(['登录', el('auth.login')])).toBe('登录 auth.login');
    expect(cellText(el([el('gat_officer'), null, el(el('海南省公安厅'))]))).toBe('gat_officer 海南省公安厅');
    expect(cellText(el(['gs_3f9a', '…']))).toBe('gs_3f9a…');
    expect(cellText([el('已同意'), '3 天'])).toBe('已同意 3 天');
    expect(cellText(['查询码', ' ', el('QC-1'), ' · ', '第 2 版'])).toBe('查询码 QC-1 · 第 2 版');
  });

  it('reads nothing from a component whose text it cannot see', () => {
    expect(cellText({ type: () => null, props: { status: 'approved' } })).toBe('');
  });
});

interface Row {
  id: string;
  name: string;
  org: { name: string };
  status: 'pending' | 'approved';
  createdAt: string;
}

const row: Row = { id: 'r1', name: '机动车登记信息', org: { name: '海南省公安厅' }, status: 'approved', createdAt: '2026-09-21T02:30:00.000Z' };

describe('exportColumnsOf', () => {
  const label = (s: Row['status']) => (s === 'approved' ? '已同意' : '待答复');
  const columns = [
    { title: '名称', dataIndex: 'name', render: (v: string) => el(v) },
    { title: '提供单位', dataIndex: ['org', 'name'] },
    { title: '状态', key: 'status', render: () => ({ type: () => null, props: {} }), exportText: (r: Row) => label(r.status) },
    { title: '提出时间', key: 'createdAt', render: (_: unknown, r: Row) => formatDateTime(r.createdAt, 'zh-CN') },
    { title: '操作', key: 'actions', render: () => el('查看') },
    { title: '内部', key: 'hiddenOne', exportText: false as const },
    { title: '隐藏', dataIndex: 'id', hidden: true },
    { title: el('使用时限'), key: 'until', render: () => formatDate('2027-09-21', 'zh-CN') },
  ];

  it('keeps the visible titles and the text each cell shows, and leaves action columns out', () => {
    const cols = exportColumnsOf<Row>(columns);
    const { header, rows } = sheetRows(cols, [row]);
    expect(header).toEqual(['名称', '提供单位', '状态', '提出时间', '使用时限']);
    expect(rows).toEqual([['机动车登记信息', '海南省公安厅', '已同意', '2026年9月21日 10:30', '2027年9月21日']]);
  });

  it('shows dates in ISO for English readers', () => {
    const cols = exportColumnsOf<Row>([{ title: 'Created', key: 'c', render: (_: unknown, r: Row) => formatDateTime(r.createdAt, 'en-US') }]);
    expect(sheetRows(cols, [row]).rows).toEqual([['2026-09-21 10:30']]);
  });

  it('leaves out a column without a title', () => {
    expect(exportColumnsOf<Row>([{ key: 'x', render: () => 'x' }])).toEqual([]);
  });
});

describe('exportFileName', () => {
  it('names the file after the page title and the day', () => {
    expect(exportFileName('共享申请', '2026-11-26')).toBe('共享申请_2026-11-26.xlsx');
  });

  it('replaces characters file systems refuse', () => {
    expect(exportFileName('开放/有条件开放: 申请?', '2026-11-26')).toBe('开放_有条件开放_ 申请__2026-11-26.xlsx');
    expect(exportFileName('  ', '2026-11-26')).toBe('export_2026-11-26.xlsx');
  });
});
