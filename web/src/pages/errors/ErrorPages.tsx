import { Link } from 'react-router';
import { Button, Result } from 'antd';
import { useI18n } from '../../i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('error.notFound.title')}
      subTitle={t('error.notFound.body')}
      extra={<Link to="/"><Button type="primary">{t('error.backHome')}</Button></Link>}
    />
  );
}

export function ForbiddenPage() {
  const { t } = useI18n();
  return (
    <Result
      status="403"
      title={t('error.forbidden.title')}
      subTitle={t('error.forbidden.body')}
      extra={<Link to="/"><Button type="primary">{t('error.backHome')}</Button></Link>}
    />
  );
}
