import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { CloudDownloadOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { ApiError, api, request } from '../../api/client';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { publishedFields } from './access';
import type { LoadMode, LoadReport } from './api';
import { LoadReportView } from './LoadReportView';

/** Typed calls of the pull API (src/modules/ingest/pull.routes.ts). */
type RunStatus = 'running' | 'committed' | 'unchanged' | 'refused' | 'failed';
type PullFormat = 'csv' | 'ndjson' | 'xlsx';
type Schedule = { kind: 'frequency'; hour: number } | { kind: 'interval'; minutes: number };

interface PullSource {
  entryId: string;
  url: string;
  format: string;
  mode: LoadMode;
  headers: Array<{ name: string; set: true }>;
  schedule: Schedule;
  updateFrequency: string;
  periodMinutes: number;
  active: boolean;
  running: boolean;
  nextRunAt: string | null;
  consecutiveFailures: number;
  lastRun: { id: string; status: RunStatus; message: string | null; loadId: string | null; at: string | null } | null;
  etag: string | null;
  lastModified: string | null;
  registeredBy: { id: string; name: string | null };
  createdAt: string;
  updatedAt: string;
}

interface PullRun {
  id: string;
  trigger: 'schedule' | 'manual';
  status: RunStatus;
  httpStatus: number | null;
  message: string | null;
  loadId: string | null;
  versionNo: number | null;
  bytes: number | null;
  startedAt: string;
  finishedAt: string | null;
  byUser: { id: string; name: string | null } | null;
}

interface PullSourceInput {
  url: string;
  format: PullFormat;
  mode: LoadMode;
  headers: Array<{ name: string; value?: string }>;
  schedule: { kind: 'frequency'; hour: number } | { kind: 'interval'; minutes: number };
}

const enc = encodeURIComponent;
const base = (entryId: string) => `/api/v1/catalog/entries/${enc(entryId)}`;
const pullApi = {
  /** The entry's source, or null when none was ever registered. */
  get: async (entryId: string) => {
    try {
      return await request<PullSource>('GET', `${base(entryId)}/pull-source`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  put: (entryId: string, body: PullSourceInput) => request<PullSource>('PUT', `${base(entryId)}/pull-source`, { body }),
  deactivate: (entryId: string) => request<PullSource>('DELETE', `${base(entryId)}/pull-source`),
  run: (entryId: string) => request<{ run: PullRun; load: LoadReport | null }>('POST', `${base(entryId)}/pull-source/run`),
  runs: (entryId: string, page: { limit: number; offset: number }) => request<{ items: PullRun[]; total: number }>('GET', `${base(entryId)}/pull-runs`, { query: page }),
};

const TONE: Record<RunStatus, Tone> = { running: 'progress', committed: 'approved', unchanged: 'draft', refused: 'refused', failed: 'refused' };
const statusKey = (s: RunStatus) => `pull.status.${s}` as MessageKey;
const PAGE = 10;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

function RunStatusTag({ status }: { status: RunStatus }) {
  const { t } = useI18n();
  return (
    <StatusTag tone={TONE[status]} testId="pull-run-status">
      {t(statusKey(status))}
    </StatusTag>
  );
}

const size = (n: number | null) => (n === null ? '—' : n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

/** The report of the load a run made, in a drawer, with the entry's data items as labels. */
function RunReportDrawer({ entryId, loadId, onClose }: { entryId: string; loadId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { data, error, loading } = useAsync(
    async () => (loadId ? { report: await request<LoadReport>('GET', `/api/v1/loads/${enc(loadId)}`), entry: await api.catalog.get(entryId) } : undefined),
    loadId ?? '',
  );
  return (
    <Drawer open={!!loadId} onClose={onClose} width={880} title={t('pull.report.title')} loading={loading && !data}>
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && <LoadReportView report={data.report} fields={publishedFields(data.entry) ?? []} />}
    </Drawer>
  );
}

interface FormValues {
  url: string;
  format: PullFormat;
  mode: LoadMode;
  scheduleKind: 'frequency' | 'interval';
  hour: number | null;
  minutes: number | null;
  headers: Array<{ name: string; value?: string }>;
}

/** Registers or edits the source; header values are write-only (left empty: kept). */
function SourceModal({ entryId, source, open, onClose, onSaved }: { entryId: string; source: PullSource | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scheduleKind = Form.useWatch('scheduleKind', form);
  const kept = new Set((source?.headers ?? []).map((h) => h.name.toLowerCase()));

  const initial: FormValues = {
    url: source?.url ?? '',
    format: source?.format === 'ndjson' || source?.format === 'xlsx' ? source.format : 'csv',
    mode: source?.mode ?? 'replace',
    scheduleKind: source?.schedule.kind ?? 'frequency',
    hour: source?.schedule.kind === 'frequency' ? source.schedule.hour : 2,
    minutes: source?.schedule.kind === 'interval' ? source.schedule.minutes : 60,
    headers: (source?.headers ?? []).map((h) => ({ name: h.name })),
  };

  const onFinish = async (v: FormValues) => {
    setSaving(true);
    setError(null);
    try {
      await pullApi.put(entryId, {
        url: v.url.trim(),
        format: v.format,
        mode: v.mode,
        headers: (v.headers ?? []).map((h) => ({ name: h.name.trim(), ...(h.value ? { value: h.value } : {}) })),
        schedule: v.scheduleKind === 'interval' ? { kind: 'interval', minutes: v.minutes ?? 0 } : { kind: 'frequency', hour: v.hour ?? 2 },
      });
      onSaved();
    } catch (e) {
      applyFieldErrors(form, e, ['url', 'format', 'mode', 'headers']);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      width={720}
      title={source ? t('pull.edit') : t('pull.register')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={saving}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="pull-form-error" />}
      <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} initialValues={initial} preserve={false}>
        <Form.Item
          label={t('pull.field.url')}
          name="url"
          extra={t('pull.field.url.extra')}
          rules={[
            { required: true, whitespace: true, message: t('pull.field.url.required') },
            { pattern: /^\s*https?:\/\/\S+$/i, message: t('pull.field.url.scheme') },
          ]}
        >
          <Input placeholder={t('pull.field.url.placeholder')} maxLength={2000} className="mono" data-testid="pull-url" />
        </Form.Item>
        <Space size={24} wrap>
          <Form.Item label={t('pull.field.format')} name="format" rules={[{ required: true, message: t('pull.field.format.required') }]}>
            <Select style={{ width: 160 }} options={[{ value: 'csv', label: 'CSV' }, { value: 'ndjson', label: 'NDJSON' }, { value: 'xlsx', label: 'XLSX' }]} data-testid="pull-format" />
          </Form.Item>
          <Form.Item label={t('pull.field.mode')} name="mode">
            <Radio.Group
              options={[
                { value: 'replace', label: t('pull.mode.replace') },
                { value: 'upsert', label: t('pull.mode.upsert') },
              ]}
            />
          </Form.Item>
        </Space>
        <Form.Item label={t('pull.field.schedule')} name="scheduleKind">
          <Radio.Group
            options={[
              { value: 'frequency', label: t('pull.schedule.frequency') },
              { value: 'interval', label: t('pull.schedule.interval') },
            ]}
            data-testid="pull-schedule-kind"
          />
        </Form.Item>
        {scheduleKind === 'interval' ? (
          <Form.Item label={t('pull.field.minutes')} name="minutes" rules={[{ required: true, type: 'integer', min: 5, max: 10080, message: t('pull.field.minutes.required') }]}>
            <InputNumber min={5} max={10080} precision={0} addonAfter={t('pull.field.minutes.unit')} style={{ width: 220 }} data-testid="pull-minutes" />
          </Form.Item>
        ) : (
          <Form.Item label={t('pull.field.hour')} name="hour" extra={t('pull.field.hour.extra')} rules={[{ required: true, type: 'integer', min: 0, max: 23, message: t('pull.field.hour.required') }]}>
            <InputNumber min={0} max={23} precision={0} addonAfter={t('pull.field.hour.unit')} style={{ width: 160 }} data-testid="pull-hour" />
          </Form.Item>
        )}
        <Form.Item label={t('pull.field.headers')} extra={t('pull.field.headers.extra')}>
          <Form.List name="headers">
            {(items, { add, remove }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {items.map((item) => (
                  <Space key={item.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item
                      name={[item.name, 'name']}
                      rules={[
                        { required: true, whitespace: true, message: t('pull.header.name.required') },
                        { pattern: HEADER_NAME, message: t('pull.header.name.pattern') },
                      ]}
                      style={{ marginBottom: 0 }}
                    >
                      <Input placeholder={t('pull.header.name')} style={{ width: 200 }} className="mono" data-testid="pull-header-name" />
                    </Form.Item>
                    <Form.Item
                      noStyle
                      shouldUpdate={(prev: FormValues, next: FormValues) => prev.headers?.[item.name]?.name !== next.headers?.[item.name]?.name}
                    >
                      {({ getFieldValue }) => {
                        const name = String(getFieldValue(['headers', item.name, 'name']) ?? '').trim().toLowerCase();
                        const isKept = kept.has(name);
                        return (
                          <Form.Item
                            name={[item.name, 'value']}
                            rules={isKept ? [] : [{ required: true, message: t('pull.header.value.required') }]}
                            style={{ marginBottom: 0 }}
                          >
                            <Input.Password
                              placeholder={isKept ? t('pull.header.value.keep') : t('pull.header.value')}
                              style={{ width: 360 }}
                              autoComplete="new-password"
                              visibilityToggle={false}
                              data-testid="pull-header-value"
                            />
                          </Form.Item>
                        );
                      }}
                    </Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(item.name)} aria-label={t('common.cancel')} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '' })} disabled={items.length >= 10}>
                  {t('pull.header.add')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 定时拉取 (000 第八条 服务接口): the entry's registered endpoint, its schedule, next and last run,
 * a form to register or change it, running it now, and the recent runs with their load reports.
 */
export function PullSourcePanel({ entryId }: { entryId: string }) {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState(false);
  const [running, setRunning] = useState(false);
  const [reportOf, setReportOf] = useState<string | null>(null);
  const src = useAsync(() => pullApi.get(entryId), `${entryId}:${tick}`);
  const runs = useAsync(() => pullApi.runs(entryId, { limit: PAGE, offset: (page - 1) * PAGE }), `${entryId}:${tick}:${page}`);
  const refresh = () => setTick((n) => n + 1);
  const source = src.data ?? null;

  // Users of the provider org without a loading role do not manage its pull: nothing to show.
  if (src.error?.status === 403) return null;

  const runNow = async () => {
    setRunning(true);
    try {
      const r = await pullApi.run(entryId);
      const text = t('pull.run.done', { status: t(statusKey(r.run.status)) });
      if (r.run.status === 'committed' || r.run.status === 'unchanged') message.success(text);
      else message.warning(`${text}${r.run.message ? `：${r.run.message}` : ''}`);
      setPage(1);
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setRunning(false);
      refresh();
    }
  };

  const deactivate = async () => {
    try {
      await pullApi.deactivate(entryId);
      message.success(t('pull.deactivated'));
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      refresh();
    }
  };

  const scheduleText = (s: PullSource) => {
    if (s.schedule.kind === 'interval') return t('pull.schedule.every', { minutes: s.schedule.minutes });
    const freq = t(`catalog.frequency.${s.updateFrequency}` as MessageKey);
    const by = t('pull.schedule.byFrequency', { freq });
    return s.updateFrequency === 'realtime' ? `${by} · ${t('pull.schedule.every', { minutes: s.periodMinutes })}` : `${by} · ${t('pull.schedule.atHour', { hour: s.schedule.hour })}`;
  };

  const columns: TableColumnsType<PullRun> = [
    { title: t('pull.col.startedAt'), key: 'at', width: 170, render: (_, r) => dateTime(r.startedAt) },
    { title: t('pull.col.trigger'), key: 'trigger', width: 80, render: (_, r) => t(r.trigger === 'manual' ? 'pull.trigger.manual' : 'pull.trigger.schedule') },
    { title: t('pull.col.status'), key: 'status', width: 110, render: (_, r) => <RunStatusTag status={r.status} /> },
    { title: t('pull.col.http'), dataIndex: 'httpStatus', key: 'http', width: 70, render: (v: number | null) => v ?? '—' },
    { title: t('pull.col.message'), key: 'message', ellipsis: true, render: (_, r) => <Typography.Text title={r.message ?? undefined}>{r.message ?? '—'}</Typography.Text> },
    { title: t('pull.col.bytes'), key: 'bytes', width: 100, render: (_, r) => size(r.bytes) },
    { title: t('pull.col.by'), key: 'by', width: 100, render: (_, r) => r.byUser?.name ?? '—' },
    {
      title: t('common.actions'),
      key: 'report',
      width: 110,
      render: (_, r) =>
        r.loadId ? (
          <Button type="link" size="small" onClick={() => setReportOf(r.loadId)} data-testid="pull-run-report">
            {t('pull.viewReport')}
          </Button>
        ) : null,
    },
  ];

  const extra = (
    <Space wrap>
      {source?.active && (
        <Button type="primary" icon={<CloudDownloadOutlined />} loading={running || source.running} onClick={runNow} data-testid="pull-run-now">
          {t('pull.runNow')}
        </Button>
      )}
      <Button icon={source ? <EditOutlined /> : <PlusOutlined />} onClick={() => setEditing(true)} disabled={src.loading && !src.data} data-testid="pull-edit">
        {source ? t('pull.edit') : t('pull.register')}
      </Button>
      {source?.active && (
        <Popconfirm title={t('pull.deactivate.confirm')} onConfirm={deactivate} okText={t('pull.deactivate')} cancelText={t('common.cancel')}>
          <Button danger icon={<StopOutlined />} data-testid="pull-deactivate">
            {t('pull.deactivate')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );

  return (
    <Card title={t('pull.title')} extra={extra} loading={src.loading && src.data === undefined} data-testid="pull-source-panel">
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('pull.intro')}
        </Typography.Paragraph>
        {src.error && <Alert type="error" showIcon message={errorText(src.error, t)} />}
        {!source && !src.error && <Empty description={t('pull.empty')} data-testid="pull-empty" />}
        {source && (
          <>
            {source.consecutiveFailures > 0 && source.active && <Alert type="warning" showIcon message={t('pull.failures', { n: source.consecutiveFailures })} data-testid="pull-failing" />}
            <Descriptions size="small" bordered column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} data-testid="pull-source">
              <Descriptions.Item label={t('pull.field.url')} span={2}>
                <Typography.Text className="mono" copyable={{ text: source.url }} data-testid="pull-source-url">
                  {source.url}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('pull.field.format')}>{source.format.toUpperCase()}</Descriptions.Item>
              <Descriptions.Item label={t('pull.field.mode')}>{t(source.mode === 'upsert' ? 'pull.mode.upsert' : 'pull.mode.replace')}</Descriptions.Item>
              <Descriptions.Item label={t('pull.field.schedule')}>{scheduleText(source)}</Descriptions.Item>
              <Descriptions.Item label={t('pull.state')}>
                <Space size={4}>
                  <StatusTag tone={source.active ? 'approved' : 'expired'} testId="pull-state">
                    {t(source.active ? 'pull.state.active' : 'pull.state.inactive')}
                  </StatusTag>
                  {source.running && <Tag color="processing">{t('pull.state.running')}</Tag>}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('pull.nextRun')}>{source.nextRunAt ? dateTime(source.nextRunAt) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('pull.registeredBy')}>{source.registeredBy.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('pull.field.headers')}>
                {source.headers.length === 0 ? (
                  t('pull.header.none')
                ) : (
                  <Space size={4} wrap>
                    {source.headers.map((h) => (
                      <Tag key={h.name} className="mono" data-testid="pull-header">
                        {h.name}: {t('pull.header.set')}
                      </Tag>
                    ))}
                  </Space>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('pull.etag')}>
                <Typography.Text className="mono small">{source.etag ?? source.lastModified ?? '—'}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('pull.lastRun')} span={2}>
                {source.lastRun ? (
                  <Space size={8} wrap data-testid="pull-last-run">
                    <RunStatusTag status={source.lastRun.status} />
                    <span>{dateTime(source.lastRun.at)}</span>
                    {source.lastRun.message && <Typography.Text type="secondary">{source.lastRun.message}</Typography.Text>}
                    {source.lastRun.loadId && (
                      <Button type="link" size="small" onClick={() => setReportOf(source.lastRun?.loadId ?? null)} data-testid="pull-last-report">
                        {t('pull.viewReport')}
                      </Button>
                    )}
                  </Space>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
            </Descriptions>
          </>
        )}
        {(source || (runs.data?.total ?? 0) > 0) && (
          <>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('pull.runs')}
            </Typography.Title>
            {runs.error && <Alert type="error" showIcon message={errorText(runs.error, t)} />}
            <Table<PullRun>
              rowKey="id"
              size="small"
              loading={runs.loading}
              columns={columns}
              dataSource={runs.data?.items ?? []}
              locale={{ emptyText: t('pull.runs.empty') }}
              pagination={{ current: page, pageSize: PAGE, total: runs.data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
              data-testid="pull-runs"
            />
          </>
        )}
      </Space>
      <SourceModal
        entryId={entryId}
        source={source}
        open={editing}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          message.success(t('pull.saved'));
          refresh();
        }}
      />
      <RunReportDrawer entryId={entryId} loadId={reportOf} onClose={() => setReportOf(null)} />
    </Card>
  );
}
