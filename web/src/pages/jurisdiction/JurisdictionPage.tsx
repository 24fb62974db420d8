import { useMemo, useState } from 'react';
import { Alert, Card, Descriptions, Input, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { api } from '../../api/client';
import type { JurisdictionDocument, JurisdictionParam } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { ParamValue } from './ParamValue';

type ParamRow = JurisdictionParam & { key: string };

/** 管辖规则: the active rule set, every parameter with the article it comes from. */
export function JurisdictionPage() {
  const { t, tMaybe, lang } = useI18n();
  const { data, error, loading } = useAsync(() => api.jurisdiction(), 'jurisdiction');
  const [filter, setFilter] = useState('');
  const label = (p: JurisdictionParam) => (lang === 'zh-CN' ? p.label.zh : p.label.en || p.label.zh);

  const rows = useMemo<ParamRow[]>(() => {
    const all = Object.entries(data?.params ?? {}).map(([key, p]) => ({ ...p, key }));
    const f = filter.trim().toLowerCase();
    if (!f) return all;
    return all.filter((r) => [r.key, r.label.zh, r.label.en, r.source, r.sourceText].some((s) => s.toLowerCase().includes(f)));
  }, [data, filter]);

  const paramColumns: TableColumnsType<ParamRow> = [
    {
      title: t('jurisdiction.col.param'),
      key: 'label',
      width: 300,
      render: (_, p) => (
        <Space direction="vertical" size={0}>
          <span>{label(p)}</span>
          <Typography.Text type="secondary" className="small mono">
            {p.key}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('jurisdiction.col.value'), key: 'value', width: 200, render: (_, p) => <ParamValue value={p.value} unit={p.unit} /> },
    {
      title: t('jurisdiction.col.source'),
      key: 'source',
      render: (_, p) => (
        <Space direction="vertical" size={0}>
          <span>{p.sourceText || p.source}</span>
          {p.sourceText && (
            <Typography.Text type="secondary" className="small mono">
              {p.source}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];

  const docColumns: TableColumnsType<JurisdictionDocument> = [
    { title: t('jurisdiction.col.code'), dataIndex: 'code', width: 100, render: (v: string) => <span className="mono">{v}</span> },
    { title: t('jurisdiction.col.title'), dataIndex: 'title' },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 140,
      render: (s: string) => <StatusTag tone={s === 'draft' ? 'draft' : 'approved'}>{tMaybe(`docStatus.${s}`) ?? s}</StatusTag>,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader title={t('page.jurisdiction')} description={t('jurisdiction.description')} />
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      <Spin spinning={loading}>
        {data && (
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card>
              <Descriptions column={{ xs: 1, md: 3 }} data-testid="jurisdiction-profile">
                <Descriptions.Item label={t('jurisdiction.name')}>{lang === 'zh-CN' ? data.name.zh : data.name.en || data.name.zh}</Descriptions.Item>
                <Descriptions.Item label={t('jurisdiction.id')}>
                  <span className="mono">{data.id}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('jurisdiction.region')}>
                  {data.region.name} <Typography.Text type="secondary">({data.region.code})</Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            </Card>
            <Card title={t('jurisdiction.documents')}>
              <Table<JurisdictionDocument> rowKey="code" size="small" columns={docColumns} dataSource={data.documents} pagination={false} />
            </Card>
            <Card
              title={t('jurisdiction.params', { n: Object.keys(data.params).length })}
              extra={<Input.Search allowClear placeholder={t('jurisdiction.filter')} onChange={(e) => setFilter(e.target.value)} style={{ width: 240 }} />}
            >
              <Table<ParamRow>
                data-testid="jurisdiction-params"
                rowKey="key"
                size="middle"
                columns={paramColumns}
                dataSource={rows}
                pagination={false}
                scroll={{ x: 800 }}
              />
            </Card>
          </Space>
        )}
      </Spin>
    </Space>
  );
}
