import { Space } from 'antd';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { PageHeader } from '../../components/PageHeader';
import { DutiesCard } from './DutiesCard';
import { NotificationsCard } from './NotificationsCard';

/** 工作台: where everyone lands — the org's open duties, then notifications. */
export function WorkbenchPage() {
  const me = useMe();
  const { t } = useI18n();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.workbench')} description={t('workbench.description', { org: me.org.name })} />
      <DutiesCard />
      <NotificationsCard />
    </Space>
  );
}
