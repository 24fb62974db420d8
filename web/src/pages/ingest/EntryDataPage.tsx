import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Result, Space, Spin } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { UploadCard } from './UploadCard';
import { VersionsCard } from './VersionsCard';
import { LoadsCard } from './LoadsCard';
import { PullSourcePanel } from './PullSourcePanel';
import { ReflowPanel } from './ReflowPanel';
import { GatePanel } from '../opening/GatePanel';
import { mayLoad, publishedFields } from './access';

/**
 * 数据汇聚 (000 第八至十条): the provider's page of one entry's data — upload a file and read its
 * report, the kept versions with their rows, the scheduled pull and the reflow subscriptions.
 */
export function EntryDataPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useI18n();
  const me = useMe();
  const { data: entry, error, loading } = useAsync(() => api.catalog.get(id), id);
  const [refresh, setRefresh] = useState(0);
  const entryPath = `/catalog/entries/${encodeURIComponent(id)}`;

  if (loading && !entry) {
    return (
      <div className="full-center" style={{ minHeight: 300 }}>
        <Spin />
      </div>
    );
  }
  if (error) return <Result status={error.status === 404 ? '404' : 'error'} title={errorText(error, t)} extra={<Link to="/catalog">{t('catalog.backToCatalog')}</Link>} />;
  if (!entry) return null;
  if (me.org.id !== entry.provider.id) {
    return <Result status="403" title={t('ingest.page.providerOnly')} subTitle={entry.name} extra={<Link to={entryPath}>{t('ingest.page.backToEntry')}</Link>} />;
  }
  const fields = publishedFields(entry);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('ingest.page.title', { name: entry.name })}
        description={
          <Space size={8} wrap>
            <span>{entry.provider.name}</span>
            <span>·</span>
            <span className="mono">{entry.code}</span>
            <span>·</span>
            <span>{t('ingest.page.intro')}</span>
          </Space>
        }
        extra={
          <Link to={entryPath}>
            <Button icon={<ArrowLeftOutlined />}>{t('ingest.page.backToEntry')}</Button>
          </Link>
        }
      />
      {!fields ? (
        <Alert type="warning" showIcon message={t('ingest.page.notPublished')} data-testid="data-not-published" />
      ) : (
        <>
          {mayLoad(me, entry) ? (
            <UploadCard entryId={entry.id} entryCode={entry.code} fields={fields} onLoaded={() => setRefresh((n) => n + 1)} />
          ) : (
            <Alert type="info" showIcon message={t('ingest.page.readOnly')} />
          )}
          <VersionsCard entryId={entry.id} fields={fields} refreshKey={refresh} />
          <LoadsCard entryId={entry.id} fields={fields} refreshKey={refresh} />
          <PullSourcePanel entryId={entry.id} />
          <ReflowPanel entryId={entry.id} />
          <GatePanel entryCode={entry.code} />
        </>
      )}
    </Space>
  );
}
