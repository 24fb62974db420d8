/**
 * The filters and paging every sharing list keeps in the URL (JOURNEYS: lists are tables with
 * filters that keep their state in the URL and page on the server): the entry, the org on the other
 * side, the date range (Beijing days), and `page`/`size`.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { DatePicker, Select, Space, Spin, type TablePaginationConfig } from 'antd';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { dayToPicker, pickerDay } from '../../lib/dates';
import { readPaging, type UrlPatch, type UrlValues } from '../../lib/urlState';
import { OrgSelect } from '../../components/OrgSelect';
import type { ListQuery } from './api';

/** The URL keys of the common filters and paging. */
export const LIST_KEYS = ['entry', 'org', 'from', 'to', 'page', 'size'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** The server query of the URL's filters and page. */
export function listQueryOf(q: UrlValues<ListKey>): ListQuery {
  const paging = readPaging(q.page, q.size);
  return {
    ...(q.entry ? { entryId: q.entry } : {}),
    ...(q.org ? { counterpartOrgId: q.org } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    limit: paging.limit,
    offset: paging.offset,
  };
}

/** The table's pagination, driven by the URL and the server's total. */
export function usePagination(q: UrlValues<ListKey>, total: number | undefined, set: (patch: UrlPatch<ListKey>) => void): TablePaginationConfig {
  const { t } = useI18n();
  const paging = readPaging(q.page, q.size);
  return {
    current: paging.page,
    pageSize: paging.pageSize,
    total: total ?? 0,
    showSizeChanger: true,
    showTotal: (n) => t('common.total', { total: n }),
    onChange: (page, size) => set({ page: page === 1 || size !== paging.pageSize ? undefined : page, size: size === 20 ? undefined : size }),
  };
}

/** Finds a published catalog entry by name (20 at a time) and yields its id. */
function EntrySelect({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    const timer = setTimeout(() => {
      api.catalog
        .search({ q: q || undefined, scope: 'published', limit: 20, offset: 0 })
        .then((r) => {
          if (mine === seq.current) setOptions(r.items.map((e) => ({ value: e.id, label: `${e.name}（${e.code}）` })));
        })
        .catch(() => {
          if (mine === seq.current) setOptions([]);
        })
        .finally(() => {
          if (mine === seq.current) setLoading(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  return (
    <Select
      showSearch
      allowClear
      value={value}
      placeholder={t('sharing.list.entry')}
      filterOption={false}
      onSearch={setQ}
      onChange={(v: string | undefined) => onChange(v)}
      options={value && !options.some((o) => o.value === value) ? [{ value, label: value.slice(0, 8) }, ...options] : options}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      style={{ width: 240 }}
      data-testid="list-filter-entry"
    />
  );
}

/**
 * Entry, the other org and the date range; every change goes to the URL and back to page 1.
 * `extra` sits at the toolbar's end (the list's 导出 XLSX).
 */
export function ListFilters({
  q,
  set,
  orgLabel,
  entry = true,
  extra,
}: {
  q: UrlValues<ListKey>;
  set: (patch: UrlPatch<ListKey>) => void;
  orgLabel: string;
  entry?: boolean;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Space wrap size={8} data-testid="list-filters">
      {entry && <EntrySelect value={q.entry} onChange={(v) => set({ entry: v ?? null, page: null })} />}
      <OrgSelect value={q.org} onChange={(v) => set({ org: v ?? null, page: null })} placeholder={orgLabel} style={{ width: 240 }} />
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        value={[dayToPicker(q.from), dayToPicker(q.to)]}
        placeholder={[t('sharing.list.from'), t('sharing.list.to')]}
        onChange={(v) => set({ from: v?.[0] ? pickerDay(v[0]) : null, to: v?.[1] ? pickerDay(v[1]) : null, page: null })}
        data-testid="list-filter-dates"
      />
      {extra}
    </Space>
  );
}
