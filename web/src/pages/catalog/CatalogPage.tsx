import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Card, Col, Flex, Input, Pagination, Row, Select, Space, Tabs, Typography } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { CatalogFacet, CatalogScope } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { canReadCatalogQueue, canRegisterCatalog } from '../../lib/roles';
import { PageHeader } from '../../components/PageHeader';
import { FacetPanel } from './FacetPanel';
import { ResultList, useResultExportColumns } from './ResultList';
import { ExportXlsxButton } from '../../components/ExportXlsxButton';
import { ImportButton } from './ImportModal';
import { ExportButton } from './ExportButton';
import { BROWSER_KEYS, SCOPES, SORTS, clearFacets, searchQueryOf, splitValues, toggleFacet, type Sort } from './urlFilters';

const TAB_TITLE: Record<CatalogScope, MessageKey> = {
  published: 'catalog.tab.published',
  mine: 'catalog.tab.mine',
  review: 'catalog.tab.review',
};
const SORT_TITLE: Record<Sort, MessageKey> = {
  relevance: 'catalog.sort.relevance',
  updated: 'catalog.sort.updated',
  name: 'catalog.sort.name',
};

/**
 * 数据目录: search the catalog in Chinese, narrow it with facets, open an entry. Tabs show the
 * published catalog, the own org's entries at every status, and (for the authority) what waits
 * for review. Everything about the view is in the URL.
 */
export function CatalogPage() {
  const me = useMe();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [query, setQuery, queryKey] = useUrlState(BROWSER_KEYS);
  const tabs = SCOPES.filter((s) => s === 'published' || (s === 'mine' ? canRegisterCatalog(me) : canReadCatalogQueue(me)));
  const scope: CatalogScope = tabs.find((s) => s === query.tab) ?? 'published';
  const paging = readPaging(query.page, query.size);
  const { data, error, loading, reload } = useAsync(() => api.catalog.search(searchQueryOf(query, scope)), `${scope}|${queryKey}`);
  const exportColumns = useResultExportColumns(scope);
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);

  const sort: Sort = SORTS.find((s) => s === query.sort) ?? (query.q ? 'relevance' : 'updated');
  const chosen = (f: CatalogFacet) => splitValues(query[f]);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.catalog')}
        description={t('catalog.description')}
        extra={
          <>
            <ExportButton />
            {canRegisterCatalog(me) && <ImportButton onImported={reload} />}
            {canRegisterCatalog(me) && (
              <Button type="primary" icon={<FormOutlined />} onClick={() => navigate('/catalog/register')} data-testid="catalog-register">
                {t('page.catalogRegister')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        {tabs.length > 1 && (
          <Tabs
            activeKey={scope}
            onChange={(k) => setQuery({ tab: k === 'published' ? undefined : k, status: undefined, page: undefined })}
            items={tabs.map((s) => ({ key: s, label: t(TAB_TITLE[s]) }))}
            data-testid="catalog-tabs"
          />
        )}
        <Input.Search
          size="large"
          allowClear
          enterButton={t('common.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => setQuery({ q: v.trim() || undefined, sort: undefined, page: undefined })}
          placeholder={t('catalog.search.placeholder')}
          data-testid="catalog-search"
        />
        <Typography.Text type="secondary" className="small">
          {t('catalog.search.hint')}
        </Typography.Text>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={7} xl={6}>
          <FacetPanel
            facets={data?.facets}
            chosen={chosen}
            onToggle={(f, v) => setQuery(toggleFacet(query, f, v))}
            onClear={() => setQuery(clearFacets())}
            hidden={scope === 'mine' ? [] : ['status']}
          />
        </Col>
        <Col xs={24} lg={17} xl={18}>
          <Card>
            <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
              <Typography.Text data-testid="catalog-total">{data ? t('catalog.found', { total: data.total }) : t('common.loading')}</Typography.Text>
              <Space wrap>
                <ExportXlsxButton
                  title={t('page.catalog')}
                  columns={exportColumns}
                  pageSize={100}
                  fetchPage={({ limit, offset }) => api.catalog.search({ ...searchQueryOf(query, scope), limit, offset })}
                />
                <Typography.Text type="secondary">{t('catalog.sort')}</Typography.Text>
                <Select<Sort>
                  value={sort}
                  onChange={(v) => setQuery({ sort: v, page: undefined })}
                  options={SORTS.filter((s) => s !== 'relevance' || query.q).map((s) => ({ value: s, label: t(SORT_TITLE[s]) }))}
                  style={{ width: 140 }}
                />
              </Space>
            </Flex>
            {error && <Alert type="error" showIcon message={errorText(error, t)} style={{ marginBottom: 12 }} />}
            <ResultList
              items={data?.items ?? []}
              scope={scope}
              loading={loading}
              emptyText={query.q ? t('catalog.empty.query', { q: query.q }) : t('catalog.empty')}
            />
            <Flex justify="flex-end" style={{ marginTop: 16 }}>
              <Pagination
                current={paging.page}
                pageSize={paging.pageSize}
                total={data?.total ?? 0}
                showSizeChanger
                showTotal={(total) => t('common.total', { total })}
                onChange={(page, size) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size })}
              />
            </Flex>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
