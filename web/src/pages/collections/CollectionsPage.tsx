import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Card, Progress, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { isPlatformAdmin } from '../../lib/roles';
import { useMe } from '../../auth/AuthContext';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { collectionsApi, type CollectionKind, type CollectionSummary } from './api';
import { CollectionFormModal } from './CollectionFormModal';
import { QualityScore, qualityScoreText } from './QualityScore';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';

const KINDS: readonly CollectionKind[] = ['base', 'theme'];

/** 按时归集: the share of members loaded with nothing overdue, as a bar and a count. */
export function FreshShare({ c }: { c: Pick<CollectionSummary, 'freshCount' | 'memberCount' | 'overdueCount'> }) {
  const { t } = useI18n();
  if (c.memberCount === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const percent = Math.round((100 * c.freshCount) / c.memberCount);
  return (
    <Space size={8}>
      <Progress percent={percent} size="small" showInfo={false} status={c.overdueCount > 0 ? 'exception' : 'normal'} style={{ width: 80, margin: 0 }} />
      <Typography.Text>{t('collections.freshOf', { fresh: c.freshCount, total: c.memberCount })}</Typography.Text>
    </Space>
  );
}

/**
 * 基础库与主题库 (000 第十条): the base and theme databases, each with its lead departments, how
 * many catalog entries it gathers, how many of them are aggregated on time, and how many are
 * overdue.
 */
export function CollectionsPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const admin = isPlatformAdmin(me);
  const [creating, setCreating] = useState(false);
  const { data, error, loading } = useAsync(() => collectionsApi.list(), 'collections');

  const columns: ExportableColumns<CollectionSummary> = [
    {
      title: t('collections.col.name'),
      key: 'name',
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={`/collections/${encodeURIComponent(c.code)}`}>{c.name}</Link>
          {c.description && (
            <Typography.Text type="secondary" className="small" ellipsis style={{ maxWidth: 420 }}>
              {c.description}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('collections.col.leads'),
      key: 'leads',
      width: 220,
      responsive: ['md'],
      render: (_, c) => (c.leads.length ? c.leads.map((l) => l.name).join(t('common.listSep')) : <Typography.Text type="secondary">{t('collections.none')}</Typography.Text>),
    },
    { title: t('collections.col.members'), dataIndex: 'memberCount', key: 'members', width: 90 },
    { title: t('collections.col.fresh'), key: 'fresh', width: 170, exportText: (c) => (c.memberCount === 0 ? '—' : t('collections.freshOf', { fresh: c.freshCount, total: c.memberCount })), render: (_, c) => <FreshShare c={c} /> },
    {
      title: t('collections.col.overdue'),
      key: 'overdue',
      width: 90,
      render: (_, c) => (c.overdueCount > 0 ? <Tag color="red">{c.overdueCount}</Tag> : <Typography.Text type="secondary">0</Typography.Text>),
    },
    { title: t('collections.col.quality'), key: 'quality', width: 110, exportText: (c) => qualityScoreText(c.averageQuality, t), render: (_, c) => <QualityScore value={c.averageQuality} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.collections')}
        description={
          <Space direction="vertical" size={4}>
            <span>{t('collections.description')}</span>
            <LawHint source="000 第十条" />
          </Space>
        }
        extra={
          admin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="collection-create-button">
              {t('collections.create')}
            </Button>
          )
        }
      />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {KINDS.map((kind) => {
        const rows = (data?.items ?? []).filter((c) => c.kind === kind);
        return (
          <Card
            key={kind}
            title={t(`collections.kind.${kind}`)}
            loading={loading && !data}
            extra={
              // Every collection comes in one response: read once, this card's kind kept.
              <ExportXlsxButton
                title={`${t('page.collections')}_${t(`collections.kind.${kind}`)}`}
                columns={columns}
                pageSize={500}
                fetchPage={async () => ({ items: (await collectionsApi.list()).items.filter((c) => c.kind === kind), next: null })}
              />
            }
          >
            <Table<CollectionSummary>
              data-testid={`collections-table-${kind}`}
              rowKey="code"
              size="middle"
              columns={columns}
              dataSource={rows}
              pagination={false}
              locale={{ emptyText: t('collections.empty') }}
            />
          </Card>
        );
      })}
      {admin && (
        <CollectionFormModal
          open={creating}
          onClose={() => setCreating(false)}
          onSaved={(c) => {
            setCreating(false);
            navigate(`/collections/${encodeURIComponent(c.code)}`);
          }}
        />
      )}
    </Space>
  );
}
