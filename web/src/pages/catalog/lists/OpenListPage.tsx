import { Button, Card, Flex, Input, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { StarFilled } from '@ant-design/icons';
import { api } from '../../../api/client';
import type { PositiveListEntry, PositiveListSummary, PriorityArea, PublicCatalogEntry } from '../../../api/types';
import { useI18n } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { readPaging, useUrlState, type UrlPatch } from '../../../lib/urlState';
import { errorText } from '../../../lib/errors';
import { PageHeader } from '../../../components/PageHeader';
import { OrgSelect } from '../../../components/OrgSelect';
import { LawHint } from '../../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../../components/ExportXlsxButton';
import { ExportButton } from '../ExportButton';
import { EntryName, entryNameText } from '../EntryName';
import { useCatalogLabels } from '../labels';
import { ART, ATTR_COLOR, PRIORITY_AREAS } from '../vocab';

const URL_KEYS = ['view', 'provider', 'openAttr', 'priorityArea', 'category', 'org', 'page', 'size'] as const;
type Key = (typeof URL_KEYS)[number];

/** The priority areas of an entry, flagged (000 第十八条). */
function PriorityTags({ areas }: { areas: readonly string[] }) {
  const l = useCatalogLabels();
  if (areas.length === 0) return <span className="muted">—</span>;
  return (
    <Space size={[4, 4]} wrap data-testid="priority-tags">
      {areas.map((a) => (
        <Tag key={a} color="gold" icon={<StarFilled />}>
          {l.priority(a)}
        </Tag>
      ))}
    </Space>
  );
}

function useEntryColumns(): ExportableColumns<PublicCatalogEntry> {
  const { t, date } = useI18n();
  const l = useCatalogLabels();
  return [
    { title: t('catalog.col.entry'), key: 'name', exportText: (e) => entryNameText(e), render: (_, e) => <EntryName entry={e} /> },
    { title: t('catalog.field.provider'), key: 'provider', width: 180, render: (_, e) => e.provider.name },
    { title: t('catalog.field.category'), dataIndex: 'category', width: 100 },
    {
      title: t('catalog.field.openAttr'),
      key: 'open',
      width: 240,
      render: (_, e) => (
        <Space direction="vertical" size={2}>
          <Tag color={ATTR_COLOR[e.openAttr]}>{l.attr('open', e.openAttr)}</Tag>
          {e.openAttr === 'conditional' && e.openConditions?.conditions && (
            <Typography.Text type="secondary" className="small">
              {String(e.openConditions.conditions)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('catalog.field.priorityAreas'), key: 'priority', width: 200, exportText: (e) => (e.priorityAreas.length ? e.priorityAreas.map((a) => l.priority(a)).join(t('common.listSep')) : '—'), render: (_, e) => <PriorityTags areas={e.priorityAreas} /> },
    { title: t('catalog.field.provisionMethods'), key: 'methods', width: 150, render: (_, e) => l.list(e.provisionMethods, l.method) },
    { title: t('catalog.field.updateFrequency'), key: 'freq', width: 90, render: (_, e) => l.frequency(e.updateFrequency) },
    { title: t('catalog.version.publishedAt'), dataIndex: 'publishedAt', width: 130, render: (v: string | null) => date(v) },
  ];
}

function paginationOf(paging: ReturnType<typeof readPaging>, total: number, t: ReturnType<typeof useI18n>['t'], setQuery: (p: UrlPatch<Key>) => void) {
  return {
    current: paging.page,
    pageSize: paging.pageSize,
    total,
    showSizeChanger: true,
    showTotal: (n: number) => t('common.total', { total: n }),
    onChange: (page: number, size: number) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size }),
  };
}

/** 开放目录: every published entry open unconditionally or on conditions, with filters. */
function OpenCatalog({ query, setQuery, queryKey }: { query: Record<Key, string | undefined>; setQuery: (p: UrlPatch<Key>) => void; queryKey: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const paging = readPaging(query.page, query.size);
  const columns = useEntryColumns();
  const { data, error, loading } = useAsync(
    () =>
      api.catalog.openList({
        provider: query.provider,
        openAttr: query.openAttr,
        priorityArea: query.priorityArea,
        category: query.category,
        limit: paging.limit,
        offset: paging.offset,
      }),
    queryKey,
  );
  return (
    <>
      <Flex gap={8} wrap className="filters">
        <OrgSelect value={query.provider} onChange={(v) => setQuery({ provider: v, page: undefined })} placeholder={t('catalog.filter.provider')} style={{ width: 260 }} />
        <Select
          allowClear
          value={query.openAttr}
          onChange={(v: string | undefined) => setQuery({ openAttr: v, page: undefined })}
          placeholder={t('catalog.filter.openAttr')}
          options={(['unconditional', 'conditional'] as const).map((a) => ({ value: a, label: l.attr('open', a) }))}
          style={{ width: 170 }}
        />
        <Select
          allowClear
          value={query.priorityArea}
          onChange={(v: string | undefined) => setQuery({ priorityArea: v, page: undefined })}
          placeholder={t('catalog.filter.priorityArea')}
          options={PRIORITY_AREAS.map((a) => ({ value: a, label: l.priority(a) }))}
          style={{ width: 170 }}
          data-testid="open-filter-priority"
        />
        <Input.Search
          key={query.category ?? ''}
          allowClear
          defaultValue={query.category}
          onSearch={(v) => setQuery({ category: v.trim() || undefined, page: undefined })}
          placeholder={t('catalog.filter.category')}
          style={{ width: 200 }}
        />
        <Button onClick={() => setQuery({ provider: undefined, openAttr: undefined, priorityArea: undefined, category: undefined, page: undefined })}>
          {t('common.reset')}
        </Button>
        <ExportXlsxButton
          title={t('catalog.open.tab')}
          columns={columns}
          pageSize={500}
          fetchPage={({ limit, offset }) =>
            api.catalog.openList({ provider: query.provider, openAttr: query.openAttr, priorityArea: query.priorityArea, category: query.category, limit, offset })
          }
        />
      </Flex>
      <Table<PublicCatalogEntry>
        data-testid="open-list"
        rowKey="versionId"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1300 }}
        locale={{ emptyText: error ? errorText(error, t) : t('catalog.open.empty') }}
        pagination={paginationOf(paging, data?.total ?? 0, t, setQuery)}
      />
    </>
  );
}

/** 正面清单: each institution's open entries in figures; one institution's list with priority entries first. */
function PositiveLists({ query, setQuery, queryKey }: { query: Record<Key, string | undefined>; setQuery: (p: UrlPatch<Key>) => void; queryKey: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const paging = readPaging(query.page, query.size);
  const entryColumns = useEntryColumns();
  const summary = useAsync(() => api.catalog.positiveLists(), 'positive-lists');
  const one = useAsync(
    () => (query.org ? api.catalog.positiveList(query.org, { priorityArea: query.priorityArea, limit: paging.limit, offset: paging.offset }) : Promise.resolve(null)),
    `${queryKey}|one`,
  );

  const summaryColumns: ExportableColumns<PositiveListSummary> = [
    {
      title: t('catalog.field.provider'),
      key: 'provider',
      render: (_, s) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setQuery({ org: s.provider.id, page: undefined })}>
          {s.provider.name}
        </Button>
      ),
    },
    { title: t('catalog.positive.total'), dataIndex: 'total', width: 110 },
    { title: t('catalog.positive.priority'), dataIndex: 'priority', width: 130 },
    ...PRIORITY_AREAS.map((a: PriorityArea) => ({
      title: l.priority(a),
      key: a,
      width: 100,
      render: (_: unknown, s: PositiveListSummary) => s.byArea[a] ?? 0,
    })),
  ];

  const columns: ExportableColumns<PositiveListEntry> = [
    {
      title: '',
      key: 'flag',
      width: 40,
      exportText: false,
      render: (_, e) =>
        e.priority ? (
          <Tooltip title={t('catalog.positive.flag')}>
            <StarFilled style={{ color: '#d48806' }} data-testid="priority-flag" />
          </Tooltip>
        ) : null,
    },
    ...(entryColumns as ExportableColumns<PositiveListEntry>),
  ];

  if (query.org) {
    return (
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Flex gap={8} wrap align="center">
          <Button onClick={() => setQuery({ org: undefined, priorityArea: undefined, page: undefined })}>{t('catalog.positive.back')}</Button>
          <Typography.Text strong>{one.data?.provider.name}</Typography.Text>
          {one.data && (
            <Typography.Text type="secondary">
              {t('catalog.positive.summary', { total: one.data.total, priority: one.data.priority })}
            </Typography.Text>
          )}
          <Select
            allowClear
            value={query.priorityArea}
            onChange={(v: string | undefined) => setQuery({ priorityArea: v, page: undefined })}
            placeholder={t('catalog.filter.priorityArea')}
            options={PRIORITY_AREAS.map((a) => ({ value: a, label: l.priority(a) }))}
            style={{ width: 170 }}
          />
          <ExportXlsxButton
            title={`${t('catalog.positive.tab')}_${one.data?.provider.name ?? ''}`}
            columns={columns}
            pageSize={500}
            fetchPage={async ({ limit, offset }) => {
              const page = await api.catalog.positiveList(query.org ?? '', { priorityArea: query.priorityArea, limit, offset });
              // `matched` counts the rows under the filter; `total` is the institution's whole list.
              return { items: page.items, total: page.matched };
            }}
          />
        </Flex>
        <Table<PositiveListEntry>
          data-testid="positive-list"
          rowKey="versionId"
          size="middle"
          loading={one.loading}
          columns={columns}
          dataSource={one.data?.items ?? []}
          rowClassName={(e) => (e.priority ? 'row-priority' : '')}
          scroll={{ x: 1300 }}
          locale={{ emptyText: one.error ? errorText(one.error, t) : t('catalog.open.empty') }}
          pagination={paginationOf(paging, one.data?.matched ?? 0, t, setQuery)}
        />
      </Space>
    );
  }
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Flex justify="flex-end">
        {/* Every institution's figures come in one response: read once. */}
        <ExportXlsxButton
          title={t('catalog.positive.tab')}
          columns={summaryColumns}
          pageSize={500}
          fetchPage={async () => ({ items: (await api.catalog.positiveLists()).items, next: null })}
        />
      </Flex>
      <Table<PositiveListSummary>
        data-testid="positive-lists"
        rowKey={(s) => s.provider.id}
        size="middle"
        loading={summary.loading}
        columns={summaryColumns}
        dataSource={summary.data?.items ?? []}
        scroll={{ x: 900 }}
        locale={{ emptyText: summary.error ? errorText(summary.error, t) : t('catalog.open.empty') }}
        pagination={false}
      />
    </Space>
  );
}

/** 开放目录 and 正面清单 (000 第十八、十九条): what is open to the public, and each institution's priorities. */
export function OpenListPage() {
  const { t } = useI18n();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const view = query.view === 'positive' ? 'positive' : 'open';
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.openList')}
        description={
          <>
            {t('catalog.open.description')} <LawHint source={`${ART.openList}; ${ART.notOpen}`} />
          </>
        }
        extra={<ExportButton />}
      />
      <Card>
        <Tabs
          activeKey={view}
          onChange={(k) => setQuery({ view: k === 'open' ? undefined : k, org: undefined, provider: undefined, page: undefined })}
          items={[
            { key: 'open', label: t('catalog.open.tab') },
            { key: 'positive', label: t('catalog.positive.tab') },
          ]}
          data-testid="open-tabs"
        />
        {view === 'open' ? <OpenCatalog query={query} setQuery={setQuery} queryKey={queryKey} /> : <PositiveLists query={query} setQuery={setQuery} queryKey={queryKey} />}
      </Card>
    </Space>
  );
}
