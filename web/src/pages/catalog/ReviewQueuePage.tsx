import { Link } from 'react-router';
import { Card, Flex, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client';
import type { CatalogReviewQueueItem } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { useLawText } from '../../lib/law';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { ART } from './vocab';
import { ReviewCountdown, reviewCountdownText } from './ReviewCountdown';

const URL_KEYS = ['page', 'size'] as const;

/**
 * 审核队列: what institutions submitted to the sharing authority, soonest due first. Updates
 * must be reviewed within the jurisdiction's days (000 第七条); a first review has no deadline
 * and shows its age in working days.
 */
export function ReviewQueuePage() {
  const { t, date, dateTime } = useI18n();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const paging = readPaging(query.page, query.size);
  const { data, error, loading } = useAsync(() => api.catalog.reviewQueue({ limit: paging.limit, offset: paging.offset }), queryKey);
  const lawText = useLawText();

  const columns: ExportableColumns<CatalogReviewQueueItem> = [
    {
      title: t('catalog.queue.col.entry'),
      key: 'name',
      exportText: (i) => `${i.name}\n${i.code} · ${t('catalog.versionN', { n: i.version })}`,
      render: (_, i) => (
        <Space direction="vertical" size={0}>
          <Link to={`/catalog/entries/${encodeURIComponent(i.entryId)}?version=${i.version}`} data-testid="queue-entry-link">
            {i.name}
          </Link>
          <Typography.Text type="secondary" className="small mono">
            {i.code} · {t('catalog.versionN', { n: i.version })}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('catalog.field.provider'), key: 'provider', width: 200, render: (_, i) => i.provider.name },
    {
      title: t('catalog.queue.col.kind'),
      key: 'kind',
      width: 220,
      render: (_, i) => (
        <Space direction="vertical" size={0}>
          <Tag color={i.isUpdate ? 'gold' : 'blue'}>{t(i.isUpdate ? 'catalog.queue.update' : 'catalog.queue.first')}</Tag>
          {i.changeNote && (
            <Typography.Text type="secondary" className="small">
              {i.changeNote}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('catalog.queue.col.submittedAt'), dataIndex: 'submittedAt', width: 160, render: (v: string | null) => dateTime(v) },
    { title: t('duty.col.countdown'), key: 'countdown', width: 170, exportText: (i) => reviewCountdownText(i.duty, t), render: (_, i) => <ReviewCountdown duty={i.duty} /> },
    { title: t('duty.col.dueDate'), key: 'due', width: 140, render: (_, i) => date(i.duty?.dueDate ?? i.duty?.dueAt) },
    {
      title: t('duty.col.source'),
      key: 'source',
      width: 160,
      exportText: (i) => lawText(i.duty?.source ?? (i.isUpdate ? ART.update : ART.review)),
      render: (_, i) => <LawHint source={i.duty?.source ?? (i.isUpdate ? ART.update : ART.review)} />,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.catalogReview')} description={t('catalog.queue.description')} />
      <Card>
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <ExportXlsxButton
            title={t('page.catalogReview')}
            columns={columns}
            pageSize={500}
            fetchPage={({ limit, offset }) => api.catalog.reviewQueue({ limit, offset })}
          />
        </Flex>
        <Table<CatalogReviewQueueItem>
          data-testid="review-queue"
          rowKey="versionId"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          scroll={{ x: 1100 }}
          rowClassName={(i) => (i.duty?.overdue ? 'row-overdue' : '')}
          locale={{ emptyText: error ? errorText(error, t) : t('catalog.queue.empty') }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (page, size) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size }),
          }}
        />
      </Card>
    </Space>
  );
}
