import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Card, Descriptions, Input, Space, Spin, Typography } from 'antd';
import { api } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { errorText } from '../../../lib/errors';
import { PageHeader } from '../../../components/PageHeader';
import { LawHint } from '../../../components/LawHint';
import { StatusTag } from '../../../components/StatusTag';
import { useCatalogLabels } from '../labels';
import { ART } from '../vocab';

/** 登记查询: a registration (000 第二十九条) by its public query code — what was registered, by which version, where it stands. */
export function RegistrationPage() {
  const { queryCode = '' } = useParams<{ queryCode: string }>();
  const { t, dateTime } = useI18n();
  const l = useCatalogLabels();
  const navigate = useNavigate();
  const [text, setText] = useState(queryCode);
  const { data, error, loading } = useAsync(() => api.catalog.registration(queryCode), queryCode);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.registration')}
        description={
          <>
            {t('catalog.registration.description')} <LawHint source={ART.registration} />
          </>
        }
      />
      <Card>
        <Input.Search
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => v.trim() && navigate(`/catalog/registrations/${encodeURIComponent(v.trim())}`)}
          enterButton={t('common.search')}
          placeholder={t('catalog.registration.placeholder')}
          style={{ maxWidth: 420, marginBottom: 16 }}
        />
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Spin spinning={loading}>
          {data && (
            <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} data-testid="registration">
              <Descriptions.Item label={t('catalog.operation.registrationCode')}>
                <Typography.Text className="mono" copyable>
                  {data.registrationCode}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.operation.queryCode')}>
                <span className="mono">{data.queryCode}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.col.entry')}>
                <Link to={`/catalog/entries/${encodeURIComponent(data.entry.id)}?version=${data.version}`}>{data.entry.name}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.code')}>
                <span className="mono">{data.entry.code}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.provider')}>{data.entry.provider.name}</Descriptions.Item>
              <Descriptions.Item label={t('catalog.registration.version')}>
                {t('catalog.versionN', { n: data.version })}
                {data.entry.publishedVersion !== null && data.entry.publishedVersion !== data.version && (
                  <Typography.Text type="warning"> {t('catalog.registration.newer', { n: data.entry.publishedVersion })}</Typography.Text>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.category')}>{data.entry.category}</Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.grade')}>{l.grade(data.entry.grade)}</Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.provisionMethods')}>{l.list(data.entry.provisionMethods, l.method)}</Descriptions.Item>
              <Descriptions.Item label={t('catalog.field.updateFrequency')}>{l.frequency(data.entry.updateFrequency)}</Descriptions.Item>
              <Descriptions.Item label={t('catalog.operation.col.listedBy')}>{data.operation.listedBy.name}</Descriptions.Item>
              <Descriptions.Item label={t('common.status')}>
                <StatusTag tone={data.operation.status === 'listed' ? 'approved' : 'expired'}>{t(`catalog.operation.status.${data.operation.status}`)}</StatusTag>
              </Descriptions.Item>
              <Descriptions.Item label={t('catalog.registration.at')}>{dateTime(data.registeredAt)}</Descriptions.Item>
            </Descriptions>
          )}
        </Spin>
      </Card>
    </Space>
  );
}
