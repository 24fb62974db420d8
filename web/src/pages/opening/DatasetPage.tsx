/**
 * `/open/datasets/:code`: one open dataset — description, provider, open attribute and conditions
 * with their article, data dictionary, preview, update history, quality, usage, downloads (or why
 * not, or 申请使用 for conditional data), the rows API and DCAT/CKAN links.
 */
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Alert, Button, Card, Col, Descriptions, Empty, Grid, Progress, Result, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import { CopyOutlined, DownloadOutlined, FileProtectOutlined, LeftOutlined } from '@ant-design/icons';
import type { EChartsCoreOption } from 'echarts/core';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { EChart } from '../quality/EChart';
import { useCatalogLabels } from '../catalog/labels';
import { downloadFile } from '../../api/client';
import { DOWNLOAD_FORMATS, downloadUrl, openApi, openDownloadPath, rowsUrl, type DownloadFormat, type OpenEntryDetail, type OpenField } from './api';
import { datasetPath, LoadError, OpenAttrTag, useNumber } from './parts';
import { usePageMeta } from './meta';

/** A 0–100 score, rounded to one decimal. */
function percent(v: number | null | undefined): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  return Math.round(v * 10) / 10;
}

/** 开放条件: the catalog's text or its named parts (conditions, useRequirements, …). */
function Conditions({ value }: { value: NonNullable<OpenEntryDetail['openConditions']> }) {
  const { tMaybe } = useI18n();
  if (typeof value === 'string') return <span data-testid="dataset-conditions">{value}</span>;
  const parts = Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return (
    <ul className="plain-list" data-testid="dataset-conditions" style={{ margin: 0 }}>
      {parts.map(([k, v]) => (
        <li key={k}>
          {tMaybe(`portal.ds.cond.${k}`) ? `${tMaybe(`portal.ds.cond.${k}`)}：` : ''}
          {typeof v === 'string' ? v : JSON.stringify(v)}
        </li>
      ))}
    </ul>
  );
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function ApiSnippet({ code }: { code: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const origin = window.location.origin;
  const snippet = [
    `curl "${origin}${rowsUrl(code)}?limit=10&offset=0"`,
    '',
    `curl -H "Authorization: Bearer <API 密钥>" \\`,
    `  "${origin}${rowsUrl(code)}?limit=100&offset=100"`,
  ].join('\n');
  const copy = () => {
    navigator.clipboard
      ?.writeText(snippet)
      .then(() => message.success(t('portal.ds.copied')))
      .catch(() => undefined);
  };
  return (
    <Card
      size="small"
      title={<h2 className="portal-card-h2">{t('portal.ds.api')}</h2>}
      extra={
        <Button size="small" icon={<CopyOutlined />} onClick={copy}>
          {t('portal.ds.copy')}
        </Button>
      }
      className="portal-section"
      data-testid="dataset-api"
    >
      <pre className="portal-snippet">{snippet}</pre>
      <Typography.Paragraph type="secondary" className="small" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('portal.ds.apiHint')}
      </Typography.Paragraph>
    </Card>
  );
}

function UsageChart({ usage }: { usage: OpenEntryDetail['usage'] }) {
  const { t } = useI18n();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('portal.ds.downloads'), t('portal.ds.apiCalls')], bottom: 0 },
      grid: { left: 40, right: 12, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: usage.byMonth.map((m) => m.month) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('portal.ds.downloads'), type: 'bar', data: usage.byMonth.map((m) => m.downloads) },
        { name: t('portal.ds.apiCalls'), type: 'bar', data: usage.byMonth.map((m) => m.apiCalls) },
      ],
    }),
    [usage, t],
  );
  if (usage.byMonth.length === 0) return null;
  return <EChart option={option} height={200} testId="dataset-usage-chart" />;
}

function Downloads({ entry }: { entry: OpenEntryDetail }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<DownloadFormat | null>(null);
  const applyPath = entry.links.apply ?? `${datasetPath(entry.code)}/apply`;
  // Fetched by the page rather than followed as a link, so that a refusal (too many downloads a
  // minute, data no longer open) is shown in words instead of a failed download. The link stays
  // for crawlers and for opening in a new tab.
  const download = async (f: DownloadFormat) => {
    setBusy(f);
    try {
      await downloadFile(openDownloadPath(entry.code), { format: f }, `${entry.code}.${f}`);
    } catch (e) {
      message.error(errorText(e, t), 8);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.download')}</h2>} className="portal-section" data-testid="dataset-downloads">
      {entry.downloadable ? (
        <Space wrap>
          {DOWNLOAD_FORMATS.map((f) => (
            <Button
              key={f}
              type={f === 'csv' ? 'primary' : 'default'}
              icon={<DownloadOutlined />}
              href={entry.links.downloads?.[f] ?? downloadUrl(entry.code, f)}
              download
              loading={busy === f}
              onClick={(e) => {
                e.preventDefault();
                if (busy === null) void download(f);
              }}
              style={{ minHeight: 40 }}
              data-testid={`download-${f}`}
            >
              {t('portal.ds.downloadAs', { format: f.toUpperCase() })}
            </Button>
          ))}
        </Space>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="info" showIcon message={t('portal.ds.notDownloadable')} description={entry.notDownloadableReason ?? undefined} data-testid="dataset-not-downloadable" />
          {entry.openAttr === 'conditional' &&
            (me ? (
              <Link to={applyPath}>
                <Button type="primary" icon={<FileProtectOutlined />} style={{ minHeight: 40 }} data-testid="dataset-apply">
                  {t('portal.ds.apply')}
                </Button>
              </Link>
            ) : (
              <Space wrap>
                <Link to={`/login?next=${encodeURIComponent(applyPath)}`}>
                  <Button type="primary" icon={<FileProtectOutlined />} style={{ minHeight: 40 }} data-testid="dataset-apply">
                    {t('portal.ds.applyLogin')}
                  </Button>
                </Link>
                <Link to={`/register?next=${encodeURIComponent(applyPath)}`}>
                  <Button style={{ minHeight: 40 }} data-testid="dataset-register">
                    {t('portal.ds.applyRegister')}
                  </Button>
                </Link>
              </Space>
            ))}
          {entry.openAttr === 'conditional' && (
            <Typography.Text type="secondary" className="small">
              {t('portal.ds.applyHint')} <LawHint source={t('portal.openAttr.sourceConditional')} />
            </Typography.Text>
          )}
        </Space>
      )}
    </Card>
  );
}

function Dictionary({ fields }: { fields: OpenField[] }) {
  const { t } = useI18n();
  /** The gate's treatment code in words: 假名化, 泛化（…）; other words pass as they are. */
  const treatmentWords = (v: string | null | undefined): string => {
    if (!v) return '—';
    if (v === 'pseudonymise') return t('portal.ds.treatment.pseudonymise');
    if (v === 'drop') return t('portal.ds.treatment.drop');
    if (v.startsWith('generalise:')) return t('portal.ds.treatment.generalise', { how: v.slice('generalise:'.length) });
    return v;
  };
  const labels = useCatalogLabels();
  const withTreatment = fields.some((f) => f.treatment);
  return (
    <Table<OpenField>
      size="small"
      rowKey="name"
      dataSource={fields}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="dataset-dictionary"
      columns={[
        { title: t('portal.ds.col.name'), dataIndex: 'name', render: (v: string) => <span className="mono">{v}</span> },
        { title: t('portal.ds.col.label'), dataIndex: 'label' },
        { title: t('portal.ds.col.type'), dataIndex: 'type', render: (v: string) => labels.fieldType(v) },
        {
          title: t('portal.ds.col.description'),
          dataIndex: 'description',
          render: (v: string | null, f) => (
            <Space size={4} wrap>
              {v}
              {f.piiKind && <Tag color="orange">{`${t('portal.ds.pii')}：${labels.pii(f.piiKind)}`}</Tag>}
            </Space>
          ),
        },
        ...(withTreatment
          ? [{ title: t('portal.ds.col.treatment'), key: 'treatment', render: (_: unknown, f: OpenField) => f.treatmentLabel ?? treatmentWords(f.treatment) }]
          : []),
      ]}
    />
  );
}

function Preview({ entry }: { entry: OpenEntryDetail }) {
  const { t } = useI18n();
  const preview = entry.preview;
  if (!preview || preview.rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portal.ds.noPreview')} />;
  const byName = new Map(entry.fields.map((f) => [f.name, f.label]));
  return (
    <>
      <Typography.Text type="secondary" className="small">
        {t('portal.ds.previewHint', { n: preview.rows.length })}
      </Typography.Text>
      <Table<Record<string, unknown>>
        size="small"
        rowKey={(_, i) => String(i)}
        dataSource={preview.rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="dataset-preview"
        columns={preview.columns.map((c) => ({ title: byName.get(c) ?? c, dataIndex: c, key: c, render: (v: unknown) => cellText(v) }))}
      />
    </>
  );
}

function Quality({ quality }: { quality: OpenEntryDetail['quality'] }) {
  const { t, tMaybe } = useI18n();
  const score = percent(quality?.score);
  if (!quality || score === null) return <Typography.Text type="secondary">{t('portal.ds.noQuality')}</Typography.Text>;
  const dims = Object.entries(quality.dimensions ?? {});
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="dataset-quality">
      <Statistic title={t('portal.ds.qualityScore')} value={score} suffix="/ 100" />
      {dims.map(([k, v]) => {
        const p = percent(v);
        return (
          <div key={k}>
            <Typography.Text className="small">{tMaybe(`portal.quality.${k}`) ?? tMaybe(`quality.dimension.${k}`) ?? k}</Typography.Text>
            <Progress percent={p ?? 0} size="small" status="normal" format={() => (p === null ? '—' : `${p}`)} />
          </div>
        );
      })}
    </Space>
  );
}

export function DatasetPage() {
  const { code = '' } = useParams();
  const { t, date, dateTime } = useI18n();
  const labels = useCatalogLabels();
  const num = useNumber();
  const screens = Grid.useBreakpoint();
  /** On a phone or tablet the downloads come first, before the long tables. */
  const narrow = !screens.lg;
  const { data: entry, error, loading } = useAsync(() => openApi.entry(code), code);
  usePageMeta(entry ? `${entry.name} · ${entry.provider.name} · ${t('portal.brand')}` : undefined, entry ? (entry.summary ?? entry.description) : undefined);

  if (loading && !entry) return <Skeleton active />;
  if (error || !entry) {
    if (error?.status === 404)
      return (
        <Result
          status="404"
          title={t('portal.ds.notFound')}
          extra={
            <Link to="/open/datasets">
              <Button>{t('portal.ds.back')}</Button>
            </Link>
          }
        />
      );
    return <LoadError text={errorText(error, t)} />;
  }

  const gate = entry.gate;
  return (
    <article data-testid="portal-dataset">
      <Link to="/open/datasets" className="small">
        <LeftOutlined /> {t('portal.ds.back')}
      </Link>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 8, wordBreak: 'break-word' }} data-testid="dataset-name">
        {entry.name}
      </Typography.Title>
      <Space size={[8, 4]} wrap className="portal-meta" style={{ marginBottom: 12 }}>
        <span data-testid="dataset-provider">{entry.provider.name}</span>
        <OpenAttrTag value={entry.openAttr} withLaw />
        {entry.domain && <span>{entry.domain}</span>}
      </Space>

      {narrow && <Downloads entry={entry} />}
      <Row gutter={[16, 0]}>
        <Col xs={24} lg={16}>
          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.description')}</h2>} className="portal-section">
            {entry.summary && <Typography.Paragraph strong>{entry.summary}</Typography.Paragraph>}
            {entry.description && entry.description !== entry.summary && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{entry.description}</Typography.Paragraph>}
            <Alert
              type={entry.openAttr === 'unconditional' ? 'success' : 'info'}
              showIcon
              message={entry.openAttr === 'unconditional' ? t('portal.ds.unconditionalHint') : t('portal.ds.conditionalHint')}
              style={{ marginBottom: 12 }}
            />
            <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} bordered>
              <Descriptions.Item label={t('portal.ds.code')}>
                <span className="mono break">{entry.code}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.provider')}>{entry.provider.name}</Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.openAttr')}>
                <OpenAttrTag value={entry.openAttr} withLaw />
              </Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.updateFrequency')}>{labels.frequency(entry.updateFrequency)}</Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.publishedAt')}>{date(entry.publishedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.updatedAt')}>{entry.updatedAt ? dateTime(entry.updatedAt) : t('portal.list.notUpdated')}</Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.rows')}>{num(entry.rows)}</Descriptions.Item>
              <Descriptions.Item label={t('portal.ds.fieldCount')}>{num(entry.fieldCount)}</Descriptions.Item>
              {entry.openConditions && (
                <Descriptions.Item label={t('portal.ds.openConditions')} span={2}>
                  <Conditions value={entry.openConditions} /> <LawHint source={t('portal.openAttr.sourceConditional')} />
                </Descriptions.Item>
              )}
              {entry.basis && (
                <Descriptions.Item label={t('portal.ds.basis')} span={2}>
                  {entry.basis}
                </Descriptions.Item>
              )}
              {gate && (
                <Descriptions.Item label={t('portal.ds.gate')} span={2}>
                  <Space size={4} wrap data-testid="dataset-gate">
                    <Tag color={gate.status === 'failed' ? 'red' : gate.status === 'pending' ? 'gold' : 'green'}>{t(`portal.ds.gate.${gate.status}`)}</Tag>
                    {gate.k !== null && gate.status !== 'not_needed' && <span>{t('portal.ds.gate.k', { k: gate.k })}</span>}
                    {gate.checkedAt && <span className="muted">{dateTime(gate.checkedAt)}</span>}
                    {gate.reason && <span>{gate.reason}</span>}
                    <LawHint source={t('portal.ds.gate.source')} />
                  </Space>
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.dictionary')}</h2>} className="portal-section">
            <Dictionary fields={entry.fields} />
          </Card>

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.preview')}</h2>} className="portal-section">
            <Preview entry={entry} />
          </Card>

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.history')}</h2>} className="portal-section">
            <Table
              size="small"
              rowKey="versionNo"
              dataSource={entry.history}
              pagination={entry.history.length > 10 ? { pageSize: 10, size: 'small' } : false}
              locale={{ emptyText: t('portal.ds.noHistory') }}
              data-testid="dataset-history"
              columns={[
                { title: t('portal.ds.col.version'), dataIndex: 'versionNo', render: (v: number) => `v${v}` },
                { title: t('portal.ds.col.loadedAt'), dataIndex: 'loadedAt', render: (v: string) => dateTime(v) },
                { title: t('portal.ds.col.rows'), dataIndex: 'rows', align: 'right', render: (v: number) => num(v) },
              ]}
            />
          </Card>
        </Col>

        <Col xs={24} lg={8}>
          {!narrow && <Downloads entry={entry} />}
          {entry.downloadable && <ApiSnippet code={entry.code} />}

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.usage')}</h2>} className="portal-section" data-testid="dataset-usage">
            <Row gutter={12}>
              <Col span={12}>
                <Statistic title={t('portal.ds.downloads')} value={num(entry.usage.downloads)} />
              </Col>
              <Col span={12}>
                <Statistic title={t('portal.ds.apiCalls')} value={num(entry.usage.apiCalls)} />
              </Col>
            </Row>
            <UsageChart usage={entry.usage} />
          </Card>

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.quality')}</h2>} className="portal-section">
            <Quality quality={entry.quality} />
          </Card>

          <Card size="small" title={<h2 className="portal-card-h2">{t('portal.ds.links')}</h2>} className="portal-section" data-testid="dataset-links">
            <Space direction="vertical">
              <a href={entry.links.dcat} target="_blank" rel="noreferrer" data-testid="dataset-dcat">
                {t('portal.ds.dcat')}
              </a>
              <a href={entry.links.ckan} target="_blank" rel="noreferrer" data-testid="dataset-ckan">
                {t('portal.ds.ckan')}
              </a>
            </Space>
          </Card>
        </Col>
      </Row>
    </article>
  );
}
