/** What a page shows while its code is fetched (lazyPage), and if the fetch fails. */
import { Button, Result, Spin } from 'antd';
import { useI18n } from '../i18n';

export function PageLoading() {
  const { t } = useI18n();
  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: '80px 0' }} data-testid="page-loading">
      <Spin size="large" tip={t('common.loading')}>
        <div style={{ width: 200, height: 80 }} />
      </Spin>
    </div>
  );
}

/**
 * A page whose code could not be fetched: the network dropped, or a new release replaced the
 * files this tab still names. Reloading fetches the current ones.
 */
export function PageLoadFailed() {
  const { t } = useI18n();
  return (
    <div data-testid="page-load-failed">
      <Result
        status="warning"
        title={t('error.pageLoad.title')}
        subTitle={t('error.pageLoad.body')}
        extra={
          <Button type="primary" data-testid="page-load-retry" onClick={() => window.location.reload()}>
            {t('common.retry')}
          </Button>
        }
      />
    </div>
  );
}
