import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Popconfirm, Row, Space, Statistic, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { isPlatformAdmin } from '../../lib/roles';
import { useMe } from '../../auth/AuthContext';
import { PageHeader } from '../../components/PageHeader';
import { LawHint } from '../../components/LawHint';
import { useCatalogLabels } from '../catalog/labels';
import { collectionsApi, type CollectionDetail, type CollectionMember } from './api';
import { CollectionFormModal } from './CollectionFormModal';
import { AddMembersModal } from './AddMembersModal';
import { FreshShare } from './CollectionsPage';
import { QualityScore } from './QualityScore';

/** 归集状态: overdue (a duty's window has ended), on time, or never loaded. */
function MemberState({ m }: { m: CollectionMember }) {
  const { t } = useI18n();
  const tag = m.overdue ? <Tag color="red">{t('collections.state.overdue')}</Tag> : m.fresh ? <Tag color="green">{t('collections.state.fresh')}</Tag> : <Tag>{t('collections.state.never')}</Tag>;
  if (m.pendingSourceUpdates === 0) return tag;
  return (
    <Space direction="vertical" size={0}>
      {tag}
      <Typography.Text type="secondary" className="small">
        {t('collections.member.pending', { n: m.pendingSourceUpdates })}
      </Typography.Text>
    </Space>
  );
}

/**
 * One base or theme database (000 第十条): its member entries with their last load, live rows,
 * next load due, overdue tag and latest quality score; the platform administrator edits it and
 * adds or removes members.
 */
export function CollectionDetailPage() {
  const { code = '' } = useParams<{ code: string }>();
  const { t, dateTime, deadline } = useI18n();
  const { message } = App.useApp();
  const labels = useCatalogLabels();
  const me = useMe();
  const admin = isPlatformAdmin(me);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [current, setCurrent] = useState<CollectionDetail | undefined>(undefined);
  const { data, error, loading } = useAsync(() => collectionsApi.get(code), `collection:${code}`);
  // What the last change answered, for as long as this collection is shown.
  const c = current?.code === code ? current : data;

  const remove = async (m: CollectionMember) => {
    if (!c) return;
    try {
      setCurrent(await collectionsApi.removeMember(c.code, m.entryId));
      message.success(t('collections.removed'));
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const columns: TableColumnsType<CollectionMember> = [
    {
      title: t('collections.member.entry'),
      key: 'entry',
      width: 300,
      fixed: 'left',
      render: (_, m) => (
        <Space direction="vertical" size={0}>
          <Link to={`/catalog/entries/${encodeURIComponent(m.entryId)}`}>{m.name}</Link>
          <Typography.Text type="secondary" className="small" style={{ whiteSpace: 'nowrap' }}>
            {m.code}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('collections.member.provider'), key: 'provider', width: 180, render: (_, m) => m.provider.name },
    { title: t('collections.member.frequency'), key: 'frequency', width: 100, render: (_, m) => labels.frequency(m.updateFrequency) },
    {
      title: t('collections.member.lastLoad'),
      key: 'lastLoad',
      width: 160,
      render: (_, m) => (m.lastLoadAt ? dateTime(m.lastLoadAt) : <Typography.Text type="secondary">{t('collections.member.neverLoaded')}</Typography.Text>),
    },
    { title: t('collections.member.rows'), key: 'rows', width: 110, align: 'right', render: (_, m) => (m.liveRows === null ? '—' : m.liveRows.toLocaleString()) },
    {
      title: t('collections.member.nextDue'),
      key: 'nextDue',
      width: 160,
      render: (_, m) =>
        m.nextDueAt ? <Typography.Text type={m.overdue ? 'danger' : undefined}>{deadline(m.nextDueAt)}</Typography.Text> : <Typography.Text type="secondary">{t('collections.member.noDue')}</Typography.Text>,
    },
    { title: t('collections.member.state'), key: 'state', width: 150, render: (_, m) => <MemberState m={m} /> },
    {
      title: t('collections.member.quality'),
      key: 'quality',
      width: 100,
      render: (_, m) =>
        m.qualityAt ? (
          <Tooltip title={dateTime(m.qualityAt)}>
            <span>
              <QualityScore value={m.qualityOverall} />
            </span>
          </Tooltip>
        ) : (
          <QualityScore value={null} />
        ),
    },
  ];
  if (admin && c) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, m) => (
        <Popconfirm title={t('collections.remove.confirm', { name: m.name, collection: c.name })} onConfirm={() => remove(m)}>
          <Button type="link" size="small" danger data-testid="collection-remove-member">
            {t('collections.remove')}
          </Button>
        </Popconfirm>
      ),
    });
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={c?.name ?? t('page.collection')}
        description={
          c && (
            <Space direction="vertical" size={4}>
              <Space size={8} wrap>
                <Tag color={c.kind === 'base' ? 'blue' : 'purple'}>{t(`collections.kind.${c.kind}`)}</Tag>
                {c.leads.length > 0 && (
                  <span>
                    {t('collections.col.leads')}：{c.leads.map((l) => l.name).join(t('common.listSep'))}
                  </span>
                )}
                <LawHint source="000 第十条" />
              </Space>
              {c.description && <span>{c.description}</span>}
            </Space>
          )
        }
        extra={
          <>
            <Link to="/collections">
              <Button>{t('collections.back')}</Button>
            </Link>
            {admin && c && (
              <>
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="collection-edit-button">
                  {t('collections.edit')}
                </Button>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="collection-add-button">
                  {t('collections.addMembers')}
                </Button>
              </>
            )}
          </>
        }
      />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      <Card loading={loading && !c} data-testid="collection-summary">
        {c && (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6} lg={4}>
              <Statistic title={t('collections.stat.members')} value={c.memberCount} />
            </Col>
            <Col xs={12} md={6} lg={4}>
              <Statistic title={t('collections.stat.loaded')} value={c.loadedCount} />
            </Col>
            <Col xs={12} md={6} lg={5}>
              <Typography.Text type="secondary">{t('collections.stat.fresh')}</Typography.Text>
              <div style={{ marginTop: 8 }}>
                <FreshShare c={c} />
              </div>
            </Col>
            <Col xs={12} md={6} lg={4}>
              <Statistic title={t('collections.stat.overdue')} value={c.overdueCount} valueStyle={c.overdueCount > 0 ? { color: '#cf1322' } : undefined} />
            </Col>
            <Col xs={12} md={6} lg={4}>
              <Typography.Text type="secondary">{t('collections.stat.quality')}</Typography.Text>
              <div style={{ marginTop: 8, fontSize: 20 }}>
                <QualityScore value={c.averageQuality} />
              </div>
            </Col>
          </Row>
        )}
      </Card>
      <Card title={t('collections.members')}>
        <Table<CollectionMember>
          data-testid="collection-members"
          rowKey="entryId"
          size="middle"
          loading={loading && !c}
          columns={columns}
          dataSource={c?.members ?? []}
          pagination={(c?.members.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          rowClassName={(m) => (m.overdue ? 'row-overdue' : '')}
          scroll={{ x: 1400 }}
          locale={{ emptyText: t('collections.empty') }}
        />
      </Card>
      {admin && c && (
        <>
          <CollectionFormModal
            open={editing}
            editing={c}
            onClose={() => setEditing(false)}
            onSaved={(saved) => {
              setEditing(false);
              setCurrent(saved);
            }}
          />
          <AddMembersModal
            open={adding}
            collection={c}
            onClose={() => setAdding(false)}
            onSaved={(saved) => {
              setAdding(false);
              setCurrent(saved);
            }}
          />
        </>
      )}
    </Space>
  );
}
