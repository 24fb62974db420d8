import { Link } from 'react-router';
import { Empty, List, Space, Tag, Typography } from 'antd';
import type { CatalogScope, CatalogSearchItem } from '../../api/types';
import { useI18n } from '../../i18n';
import { StatusTag } from '../../components/StatusTag';
import type { ExportableColumns } from '../../components/ExportXlsxButton';
import { Highlight } from './Highlight';
import { useCatalogLabels } from './labels';
import { ATTR_COLOR, GRADE_COLOR, toneFor } from './vocab';

/** The link to an entry at the version a result shows (the published one needs no version). */
export function entryPath(e: { id: string; version: number; status: string }): string {
  const base = `/catalog/entries/${encodeURIComponent(e.id)}`;
  return e.status === 'published' ? base : `${base}?version=${e.version}`;
}

interface ResultListProps {
  items: CatalogSearchItem[];
  scope: CatalogScope;
  loading: boolean;
  emptyText: string;
}

/**
 * The results as the columns of an XLSX export: what each result shows (name, status where the
 * tab shows it, provider, code, category, attributes as labels, update date).
 */
export function useResultExportColumns(scope: CatalogScope): ExportableColumns<CatalogSearchItem> {
  const { t, date } = useI18n();
  const l = useCatalogLabels();
  return [
    { title: t('catalog.field.name'), key: 'name', exportText: (e) => e.name },
    ...(scope !== 'published' ? [{ title: t('common.status'), key: 'status', exportText: (e: CatalogSearchItem) => l.status(e.status) }] : []),
    { title: t('export.col.version'), key: 'version', exportText: (e) => t('catalog.versionN', { n: e.version }) },
    { title: t('catalog.field.provider'), key: 'provider', exportText: (e) => e.provider.name },
    { title: t('catalog.field.code'), key: 'code', exportText: (e) => e.code },
    { title: t('catalog.field.category'), key: 'category', exportText: (e) => e.category },
    { title: t('catalog.field.description'), key: 'description', exportText: (e) => e.description },
    { title: t('catalog.field.shareAttr'), key: 'shareAttr', exportText: (e) => l.attr('share', e.shareAttr) },
    { title: t('catalog.field.openAttr'), key: 'openAttr', exportText: (e) => l.attr('open', e.openAttr) },
    { title: t('catalog.field.operationAttr'), key: 'operationAttr', exportText: (e) => l.operation(e.operationAttr) },
    { title: t('catalog.field.grade'), key: 'grade', exportText: (e) => l.grade(e.grade) },
    { title: t('catalog.field.updateFrequency'), key: 'updateFrequency', exportText: (e) => l.frequency(e.updateFrequency) },
    { title: t('catalog.field.provisionMethods'), key: 'provisionMethods', exportText: (e) => l.list(e.provisionMethods, l.method) },
    { title: t('export.col.updatedAt'), key: 'updatedAt', exportText: (e) => date(e.updatedAt) },
  ];
}

/** Search results: the name and description with the searched words marked, the attributes as tags. */
export function ResultList({ items, scope, loading, emptyText }: ResultListProps) {
  const { t, date } = useI18n();
  const l = useCatalogLabels();
  return (
    <List<CatalogSearchItem>
      data-testid="catalog-results"
      loading={loading}
      itemLayout="vertical"
      dataSource={items}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
      renderItem={(e) => (
        <List.Item key={e.versionId} data-entry-id={e.id} className="catalog-result">
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Space wrap size={8}>
              <Link to={entryPath(e)} className="catalog-result-title" data-testid="catalog-result-link">
                <Highlight segments={e.highlight.name} fallback={e.name} />
              </Link>
              {scope !== 'published' && (
                <StatusTag tone={toneFor(e.status, scope === 'review' && e.status === 'submitted')} testId="catalog-result-status">
                  {l.status(e.status)}
                </StatusTag>
              )}
              {e.version > 1 && <Tag>{t('catalog.versionN', { n: e.version })}</Tag>}
            </Space>
            <Typography.Text type="secondary" className="small">
              {e.provider.name} · <span className="mono">{e.code}</span> · {e.category} · {t('catalog.updatedOn', { date: date(e.updatedAt) })}
            </Typography.Text>
            {e.description && (
              <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 2 }}>
                <Highlight segments={e.highlight.description} fallback={e.description} />
              </Typography.Paragraph>
            )}
            <Space size={[4, 4]} wrap>
              <Tag color={ATTR_COLOR[e.shareAttr]}>{l.attr('share', e.shareAttr)}</Tag>
              <Tag color={ATTR_COLOR[e.openAttr]}>{l.attr('open', e.openAttr)}</Tag>
              {e.operationAttr && <Tag color="cyan">{l.operation(true)}</Tag>}
              <Tag color={GRADE_COLOR[e.grade]}>{l.grade(e.grade)}</Tag>
              <Tag>{l.frequency(e.updateFrequency)}</Tag>
              {e.provisionMethods.map((m) => (
                <Tag key={m} bordered={false}>
                  {l.method(m)}
                </Tag>
              ))}
            </Space>
            {e.highlight.fields.length > 0 && (
              <Typography.Text type="secondary" className="small">
                {t('catalog.matchedItems')}
                {e.highlight.fields.map((f, i) => (
                  <span key={f}>
                    {i > 0 && t('common.listSep')}
                    <mark className="hit">{f}</mark>
                  </span>
                ))}
              </Typography.Text>
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}
