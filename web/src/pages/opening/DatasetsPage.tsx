/**
 * `/open/datasets`: the open catalog — search, facets (a sidebar; a drawer on a phone), sort and
 * server-side paging, all kept in the URL.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Badge, Button, Card, Col, Drawer, Empty, Grid, Pagination, Row, Select, Skeleton, Space, Typography } from 'antd';
import { ApiOutlined, CloudDownloadOutlined, FilterOutlined, StarOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { readPaging, useUrlState } from '../../lib/urlState';
import { useCatalogLabels } from '../catalog/labels';
import { OPEN_SORTS, openApi, type Facet, type OpenEntryList, type OpenSort } from './api';
import { datasetPath, LoadError, OpenAttrTag, useNumber } from './parts';
import { usePageMeta } from './meta';

const FACET_KEYS = ['provider', 'domain', 'openAttr', 'updateFrequency'] as const;
type FacetKey = (typeof FACET_KEYS)[number];
const KEYS = ['q', ...FACET_KEYS, 'sort', 'page', 'size'] as const;

const FACET_TITLE: Record<FacetKey, MessageKey> = {
  provider: 'portal.list.facet.provider',
  domain: 'portal.list.facet.domain',
  openAttr: 'portal.list.facet.openAttr',
  updateFrequency: 'portal.list.facet.updateFrequency',
};

function isSort(v: string | undefined): v is OpenSort {
  return v !== undefined && (OPEN_SORTS as readonly string[]).includes(v);
}

function FacetPanel({
  facets,
  values,
  onPick,
  onClear,
}: {
  facets: OpenEntryList['facets'] | undefined;
  values: Record<FacetKey, string | undefined>;
  onPick: (key: FacetKey, value: string | null) => void;
  onClear: () => void;
}) {
  const { t } = useI18n();
  const num = useNumber();
  const any = FACET_KEYS.some((k) => values[k]);
  return (
    <div data-testid="portal-facets">
      {any && (
        <Button type="link" onClick={onClear} style={{ paddingLeft: 0 }} data-testid="portal-facets-clear">
          {t('portal.list.clear')}
        </Button>
      )}
      {FACET_KEYS.map((key) => {
        const list: Facet[] = facets?.[key] ?? [];
        if (list.length === 0 && !values[key]) return null;
        return (
          <section key={key} className="portal-section" data-testid={`facet-${key}`}>
            <Typography.Title level={3} style={{ fontSize: 15 }}>
              {t(FACET_TITLE[key])}
            </Typography.Title>
            {list.map((f) => {
              const selected = values[key] === f.value;
              return (
                <button
                  type="button"
                  key={f.value}
                  className={selected ? 'portal-facet-value selected' : 'portal-facet-value'}
                  aria-pressed={selected}
                  onClick={() => onPick(key, selected ? null : f.value)}
                  data-testid={`facet-${key}-${f.value}`}
                >
                  <span>{f.label}</span>
                  <span className="muted">{num(f.count)}</span>
                </button>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}

export function DatasetsPage() {
  const { t, date } = useI18n();
  const labels = useCatalogLabels();
  const num = useNumber();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const [values, update, serialized] = useUrlState(KEYS);
  const { page, pageSize, limit, offset } = readPaging(values.page, values.size, 20);
  const sort: OpenSort = isSort(values.sort) ? values.sort : values.q ? 'relevance' : 'newest';

  const { data, error, loading } = useAsync(
    () =>
      openApi.entries({
        q: values.q,
        provider: values.provider,
        domain: values.domain,
        openAttr: values.openAttr,
        updateFrequency: values.updateFrequency,
        sort,
        limit,
        offset,
      }),
    serialized,
  );

  usePageMeta(
    values.q ? `${t('portal.list.query', { q: values.q })} · ${t('portal.brand')}` : `${t('portal.list.title')} · ${t('portal.brand')}`,
    t('portal.meta.datasets'),
  );

  const facetValues = { provider: values.provider, domain: values.domain, openAttr: values.openAttr, updateFrequency: values.updateFrequency };
  const activeFacets = FACET_KEYS.filter((k) => values[k]).length;
  const pick = (key: FacetKey, value: string | null) => {
    update({ [key]: value, page: null });
    setDrawer(false);
  };
  const clear = () => {
    update({ provider: null, domain: null, openAttr: null, updateFrequency: null, page: null });
    setDrawer(false);
  };
  const panel = <FacetPanel facets={data?.facets} values={facetValues} onPick={pick} onClear={clear} />;

  return (
    <div data-testid="portal-datasets">
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {values.q ? t('portal.list.query', { q: values.q }) : t('portal.list.title')}
      </Typography.Title>
      <Row gutter={[24, 16]}>
        {!phone && (
          <Col md={7} lg={6}>
            <Card size="small" title={<h2 className="portal-card-h2">{t('portal.list.facets')}</h2>}>
              {panel}
            </Card>
          </Col>
        )}
        <Col xs={24} md={17} lg={18}>
          <Card size="small">
            <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
              <Typography.Text data-testid="portal-total">{t('portal.list.total', { n: num(data?.total ?? 0) })}</Typography.Text>
              <Space wrap>
                {phone && (
                  <Badge count={activeFacets} size="small">
                    <Button icon={<FilterOutlined />} onClick={() => setDrawer(true)} data-testid="portal-facets-open" style={{ minHeight: 40 }}>
                      {t('portal.list.openFacets')}
                    </Button>
                  </Badge>
                )}
                <Select<OpenSort>
                  value={sort}
                  onChange={(v) => update({ sort: v, page: null })}
                  aria-label={t('portal.list.sort')}
                  style={{ minWidth: 130 }}
                  data-testid="portal-sort"
                  options={OPEN_SORTS.map((s) => ({ value: s, label: t(`portal.list.sort.${s}`) }))}
                />
              </Space>
            </Space>
            {error && <LoadError text={errorText(error, t)} />}
            {loading && !data ? (
              <Skeleton active />
            ) : data && data.items.length === 0 ? (
              <Empty description={t('portal.list.empty')} />
            ) : (
              <ol className="plain-list" data-testid="portal-results" style={{ opacity: loading ? 0.6 : 1, listStyle: 'none', padding: 0, margin: 0 }}>
                {data?.items.map((e) => (
                  <li key={e.id} className="portal-result" data-testid="portal-result">
                    <Typography.Title level={2}>
                      <Link to={datasetPath(e.code)}>{e.name}</Link>
                    </Typography.Title>
                    <Space size={[8, 4]} wrap className="portal-meta">
                      <span>{e.provider.name}</span>
                      <OpenAttrTag value={e.openAttr} />
                      {e.domain && <span>{e.domain}</span>}
                      {e.updateFrequency && <span>{labels.frequency(e.updateFrequency)}</span>}
                    </Space>
                    {e.summary && (
                      <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: '6px 0' }}>
                        {e.summary}
                      </Typography.Paragraph>
                    )}
                    <Space size={[12, 4]} wrap className="portal-meta">
                      <span>{e.updatedAt ? t('portal.list.updated', { date: date(e.updatedAt) }) : t('portal.list.notUpdated')}</span>
                      {e.qualityScore !== null && (
                        <span>
                          <StarOutlined /> {t('portal.list.quality', { score: Math.round(e.qualityScore) })}
                        </span>
                      )}
                      <span>
                        <CloudDownloadOutlined /> {t('portal.list.downloads', { n: num(e.downloads) })}
                      </span>
                      <span>
                        <ApiOutlined /> {t('portal.list.apiCalls', { n: num(e.apiCalls) })}
                      </span>
                    </Space>
                  </li>
                ))}
              </ol>
            )}
            {data && data.total > pageSize && (
              <Pagination
                style={{ marginTop: 16, textAlign: 'center' }}
                current={page}
                pageSize={pageSize}
                total={data.total}
                showSizeChanger={!phone}
                simple={phone}
                onChange={(p, s) => update({ page: p === 1 ? null : p, size: s === 20 ? null : s })}
                data-testid="portal-pagination"
              />
            )}
          </Card>
        </Col>
      </Row>
      <Drawer
        open={phone && drawer}
        onClose={() => setDrawer(false)}
        title={t('portal.list.facets')}
        placement="left"
        width={300}
        data-testid="portal-facets-drawer"
      >
        {panel}
      </Drawer>
    </div>
  );
}
