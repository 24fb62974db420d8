import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert, Empty, Flex, Select, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { SwapRightOutlined } from '@ant-design/icons';
import { api } from '../../../api/client';
import type { CatalogEntry, CatalogEntryDetail, CatalogVersionSummary } from '../../../api/types';
import { useI18n, type MessageKey, type Vars } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { StatusTag } from '../../../components/StatusTag';
import { useCatalogLabels, type CatalogLabels } from '../labels';
import { ASSESSMENTS, STATUS_TONE } from '../vocab';
import { diffEntries, type DiffAttribute, type EntryDiff, type ItemProp } from './diff';

const ATTRIBUTE_TITLE: Record<DiffAttribute, MessageKey> = {
  name: 'catalog.field.name',
  description: 'catalog.field.description',
  format: 'catalog.field.format',
  category: 'catalog.field.category',
  grade: 'catalog.field.grade',
  shareAttr: 'catalog.field.shareAttr',
  shareConditions: 'catalog.field.shareConditions',
  noShareBasis: 'catalog.field.noShareBasis',
  openAttr: 'catalog.field.openAttr',
  openConditions: 'catalog.field.openConditions',
  notOpenReason: 'catalog.field.notOpenReason',
  openSafeguards: 'catalog.field.openSafeguards',
  priorityAreas: 'catalog.field.priorityAreas',
  operationAttr: 'catalog.field.operationAttr',
  provisionMethods: 'catalog.field.provisionMethods',
  updateFrequency: 'catalog.field.updateFrequency',
  usageConditions: 'catalog.field.usageConditions',
  assessments: 'catalog.field.assessments',
  changeNote: 'catalog.field.changeNote',
};

const ITEM_PROP_TITLE: Record<ItemProp, MessageKey> = {
  label: 'catalog.item.label',
  type: 'catalog.item.type',
  required: 'catalog.item.required',
  key: 'catalog.item.key',
  piiKind: 'catalog.item.pii',
  commercialSecret: 'catalog.item.commercialSecret',
  sensitivity: 'catalog.item.sensitivity',
  downgradeReason: 'catalog.item.downgradeReason',
};

type T = (key: MessageKey, vars?: Vars) => string;

/** An attribute's value in words (the diff shows both sides). */
function attributeText(attribute: DiffAttribute, v: unknown, l: CatalogLabels, t: T): string {
  const kv = (k: string, value: string) => t('catalog.kv', { k, v: value });
  const list = (xs: unknown, one: (x: string) => string) => l.list(Array.isArray(xs) ? (xs as string[]) : [], one);
  const obj = (x: unknown) => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {});
  const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x : '—');
  switch (attribute) {
    case 'format':
      return l.format(str(v));
    case 'grade':
      return l.grade(str(v));
    case 'shareAttr':
      return l.attr('share', str(v));
    case 'openAttr':
      return l.attr('open', str(v));
    case 'notOpenReason':
      return v ? l.notOpenReason(str(v)) : '—';
    case 'operationAttr':
      return l.operation(v === true);
    case 'updateFrequency':
      return l.frequency(str(v));
    case 'provisionMethods':
      return list(v, l.method);
    case 'openSafeguards':
      return list(v, l.safeguard);
    case 'priorityAreas':
      return list(v, l.priority);
    case 'shareConditions': {
      const c = obj(v);
      return v ? [kv(t('catalog.field.shareScope'), str(c.scope)), kv(t('catalog.field.shareUsage'), str(c.usage))].join(t('catalog.sep')) : '—';
    }
    case 'openConditions': {
      const c = obj(v);
      return v ? [str(c.conditions), kv(t('catalog.field.openUseRequirements'), str(c.useRequirements))].join(t('catalog.sep')) : '—';
    }
    case 'assessments': {
      const a = obj(v);
      return ASSESSMENTS.map((k) => kv(l.assessment(k), str(obj(a[k]).conclusion))).join(t('catalog.sep'));
    }
    default:
      return str(v);
  }
}

function itemValueText(prop: ItemProp, v: unknown, l: CatalogLabels, t: T): string {
  if (prop === 'type') return l.fieldType(typeof v === 'string' ? v : '');
  if (prop === 'piiKind') return v ? l.pii(String(v)) : '—';
  if (prop === 'sensitivity') return v ? l.grade(String(v)) : '—';
  if (prop === 'required' || prop === 'key' || prop === 'commercialSecret') return t(v ? 'common.yes' : 'common.no');
  return typeof v === 'string' && v ? v : '—';
}

function Change({ before, after }: { before: ReactNode; after: ReactNode }) {
  return (
    <Space size={6} wrap>
      <Typography.Text delete type="secondary">
        {before}
      </Typography.Text>
      <SwapRightOutlined />
      <Typography.Text mark>{after}</Typography.Text>
    </Space>
  );
}

/** The field-by-field difference between two versions. */
export function DiffView({ diff, from, to }: { diff: EntryDiff; from: number; to: number }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  if (diff.attributes.length === 0 && diff.items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('catalog.diff.same', { from, to })} />;
  }
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="version-diff">
      {diff.attributes.length > 0 && (
        <Table
          size="small"
          rowKey="attribute"
          pagination={false}
          dataSource={diff.attributes}
          columns={[
            { title: t('catalog.diff.attribute'), dataIndex: 'attribute', width: 180, render: (a: DiffAttribute) => t(ATTRIBUTE_TITLE[a]) },
            {
              title: t('catalog.diff.change', { from, to }),
              key: 'change',
              render: (_, c) => <Change before={attributeText(c.attribute, c.before, l, t)} after={attributeText(c.attribute, c.after, l, t)} />,
            },
          ]}
        />
      )}
      {diff.items.length > 0 && (
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          dataSource={diff.items}
          columns={[
            {
              title: t('catalog.diff.item'),
              key: 'item',
              width: 220,
              render: (_, i) => (
                <Space direction="vertical" size={0}>
                  <span>{i.label}</span>
                  <Typography.Text type="secondary" className="small mono">
                    {i.name}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('catalog.diff.itemChange'),
              key: 'kind',
              render: (_, i) => {
                if (i.kind === 'added') return <Tag color="green">{t('catalog.diff.added')}</Tag>;
                if (i.kind === 'removed') return <Tag color="red">{t('catalog.diff.removed')}</Tag>;
                return (
                  <Space direction="vertical" size={2}>
                    <Tag color="blue">{t('catalog.diff.changed')}</Tag>
                    {i.changes.map((c) => (
                      <Space key={c.prop} size={4}>
                        <span>{t(ITEM_PROP_TITLE[c.prop])}</span>
                        <Change before={itemValueText(c.prop, c.before, l, t)} after={itemValueText(c.prop, c.after, l, t)} />
                      </Space>
                    ))}
                  </Space>
                );
              },
            },
          ]}
        />
      )}
    </Space>
  );
}

/**
 * 版本历史: every version the reader may see, and the difference between any two of them
 * (by default the one shown and the one before it).
 */
export function VersionHistory({ entry }: { entry: CatalogEntryDetail }) {
  const { t, dateTime } = useI18n();
  const l = useCatalogLabels();
  const numbers = entry.versions.map((v) => v.version);
  const previous = [...numbers].reverse().find((n) => n < entry.version);
  const [from, setFrom] = useState<number | undefined>(previous);
  const [to, setTo] = useState<number>(entry.version);
  const [pair, setPair] = useState<{ a: CatalogEntry; b: CatalogEntry } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setFrom(previous);
    setTo(entry.version);
  }, [entry.versionId, previous, entry.version]);

  useEffect(() => {
    if (from === undefined || from === to) {
      setPair(null);
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    const load = (n: number) => (n === entry.version ? Promise.resolve<CatalogEntry>(entry) : api.catalog.get(entry.id, n));
    Promise.all([load(from), load(to)])
      .then(([a, b]) => current && setPair({ a, b }))
      .catch((e: unknown) => current && setError(errorText(e, t)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [entry, from, to, t]);

  const columns: TableColumnsType<CatalogVersionSummary> = [
    {
      title: t('catalog.version'),
      dataIndex: 'version',
      width: 90,
      render: (n: number, v) =>
        n === entry.version ? (
          <Typography.Text strong>{t('catalog.versionN', { n })}</Typography.Text>
        ) : (
          <Link to={`/catalog/entries/${encodeURIComponent(entry.id)}?version=${n}`}>{t('catalog.versionN', { n: v.version })}</Link>
        ),
    },
    { title: t('common.status'), dataIndex: 'status', width: 100, render: (s: CatalogVersionSummary['status']) => <StatusTag tone={STATUS_TONE[s]}>{l.status(s)}</StatusTag> },
    { title: t('catalog.field.changeNote'), dataIndex: 'changeNote', render: (v: string | null) => v ?? <span className="muted">{t('catalog.version.first')}</span> },
    { title: t('catalog.version.submittedAt'), dataIndex: 'submittedAt', width: 160, render: (v: string | null) => dateTime(v) },
    { title: t('catalog.version.publishedAt'), dataIndex: 'publishedAt', width: 160, render: (v: string | null) => dateTime(v) },
  ];

  const options = numbers.map((n) => ({ value: n, label: t('catalog.versionN', { n }) }));
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Table<CatalogVersionSummary>
        data-testid="version-history"
        rowKey="versionId"
        size="small"
        columns={columns}
        dataSource={[...entry.versions].reverse()}
        pagination={false}
        scroll={{ x: 700 }}
      />
      {numbers.length > 1 ? (
        <>
          <Flex gap={8} align="center" wrap>
            <Typography.Text strong>{t('catalog.diff.title')}</Typography.Text>
            <Select<number> value={from} onChange={setFrom} options={options} style={{ width: 120 }} data-testid="diff-from" />
            <SwapRightOutlined />
            <Select<number> value={to} onChange={setTo} options={options} style={{ width: 120 }} data-testid="diff-to" />
          </Flex>
          {error && <Alert type="error" showIcon message={error} />}
          <Spin spinning={loading}>{pair && from !== undefined && <DiffView diff={diffEntries(pair.a, pair.b)} from={from} to={to} />}</Spin>
        </>
      ) : (
        <Typography.Text type="secondary">{t('catalog.diff.onlyOne')}</Typography.Text>
      )}
    </Space>
  );
}
