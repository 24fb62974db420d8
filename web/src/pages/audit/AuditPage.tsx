import { Card, Space } from 'antd';
import { useI18n } from '../../i18n';
import { useUrlState } from '../../lib/urlState';
import { beijingDayBoundary } from '../../lib/dates';
import { PageHeader } from '../../components/PageHeader';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { AuditVerifyPanel } from './AuditVerifyPanel';
import { useAuditEvents } from './useAuditEvents';

const URL_KEYS = ['actor', 'org', 'action', 'objectType', 'objectId', 'grantId', 'from', 'to'] as const;

/** 审计日志: search the trail, verify the chain, take the signed checkpoint away. */
export function AuditPage() {
  const { t } = useI18n();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const auditQuery = {
    actor: query.actor,
    org: query.org,
    action: query.action,
    objectType: query.objectType,
    objectId: query.objectId,
    grantId: query.grantId,
    from: query.from ? beijingDayBoundary(query.from, false) : undefined,
    to: query.to ? beijingDayBoundary(query.to, true) : undefined,
  };
  const events = useAuditEvents(auditQuery, queryKey);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.audit')} description={t('audit.description')} />
      <AuditVerifyPanel />
      <Card title={t('audit.events')}>
        <AuditFilters
          values={query}
          onApply={(v) =>
            setQuery({
              actor: v.actor,
              org: v.org,
              action: v.action,
              objectType: v.objectType,
              objectId: v.objectId,
              grantId: v.grantId,
              from: v.from,
              to: v.to,
            })
          }
        />
        <AuditTable
          query={auditQuery}
          items={events.items}
          loading={events.loading}
          error={events.error}
          hasMore={events.nextBefore !== null}
          onLoadMore={events.loadMore}
        />
      </Card>
    </Space>
  );
}
