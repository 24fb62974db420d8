import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Radio, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client';
import type { CatalogSearchItem } from '../../api/types';
import { useI18n, type I18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { DutyCountdown, countdown } from '../../components/DutyCountdown';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';
import { LawHint } from '../../components/LawHint';
import { correctionsApi, type Correction, type CorrectionStatus, type RowKey } from './api';

const STATUS_COLOR: Record<CorrectionStatus, string> = { open: 'processing', corrected: 'success', not_wrong: 'default' };
const rowText = (c: Pick<Correction, 'rowKey' | 'line'>) =>
  c.rowKey ? Object.entries(c.rowKey).map(([k, v]) => `${k}=${String(v)}`).join('，') : c.line !== null ? `第 ${c.line} 行` : '—';

/** The text {@link Countdown} shows, for the list's export. */
function countdownText(c: Correction, t: I18n['t']): string {
  if (!c.duty) return '—';
  if (c.duty.status !== 'open') return t(c.late ? 'correction.answeredLate' : 'correction.answeredOnTime');
  const cd = countdown({ ...c.duty, overdueWorkingDays: null });
  return t(cd.key, cd.vars);
}

function Countdown({ c }: { c: Correction }) {
  const { t } = useI18n();
  if (!c.duty) return <Typography.Text type="secondary">—</Typography.Text>;
  if (c.duty.status !== 'open') return <Tag color={c.late ? 'red' : 'green'}>{t(c.late ? 'correction.answeredLate' : 'correction.answeredOnTime')}</Tag>;
  return <DutyCountdown duty={{ ...c.duty, overdueWorkingDays: null }} />;
}

/** 提出校核申请: the entry, its row by key values (or a line), the field and what is wrong. */
function ReportModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (c: Correction) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [q, setQ] = useState('');
  const [entry, setEntry] = useState<CatalogSearchItem | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const found = useAsync(() => api.catalog.search({ q: q || undefined, scope: 'published', limit: 20 }), `search:${q}`);
  const keys = entry?.fields.filter((f) => f.key) ?? [];

  const submit = async () => {
    const v = (await form.validateFields()) as Record<string, string | number | undefined>;
    if (!entry) return;
    const rowKey: RowKey = {};
    for (const k of keys) rowKey[k.name] = String(v[`key_${k.name}`] ?? '');
    setSaving(true);
    setError(undefined);
    try {
      const c = await correctionsApi.report({
        entryId: entry.id,
        ...(keys.length ? { rowKey } : { line: Number(v.line) }),
        ...(v.field ? { field: String(v.field) } : {}),
        ...(v.reportedValue ? { reportedValue: String(v.reportedValue) } : {}),
        ...(v.expectedValue ? { expectedValue: String(v.expectedValue) } : {}),
        description: String(v.description ?? ''),
      });
      message.success(t('correction.reported', { date: c.duty?.dueDate ?? '—' }));
      form.resetFields();
      setEntry(undefined);
      onDone(c);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['description', 'field']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={t('correction.report')} onCancel={onClose} onOk={submit} confirmLoading={saving} okText={t('correction.submit')} width={640} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <LawHint source="000 第四十二条" />
        {error && <Alert type="error" showIcon message={error} data-testid="correction-error" />}
        <Form form={form} layout="vertical">
          <Form.Item label={t('correction.col.entry')} required>
            <Select
              showSearch
              filterOption={false}
              onSearch={setQ}
              loading={found.loading}
              value={entry?.id}
              placeholder={t('correction.pickEntry')}
              onChange={(id: string) => setEntry(found.data?.items.find((i) => i.id === id))}
              options={(found.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.name}（${i.provider.name}）` }))}
              data-testid="correction-entry"
            />
          </Form.Item>
          {entry &&
            (keys.length ? (
              keys.map((k) => (
                <Form.Item key={k.name} name={`key_${k.name}`} label={`${k.label}（${t('correction.keyField')}）`} rules={[{ required: true, message: t('correction.keyRequired', { label: k.label }) }]}>
                  <Input data-testid={`correction-key-${k.name}`} />
                </Form.Item>
              ))
            ) : (
              <Form.Item name="line" label={t('correction.line')} rules={[{ required: true, message: t('correction.lineRequired') }]}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            ))}
          {entry && (
            <Form.Item name="field" label={t('correction.col.field')}>
              <Select allowClear options={entry.fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))} data-testid="correction-field" />
            </Form.Item>
          )}
          <Space.Compact block>
            <Form.Item name="reportedValue" label={t('correction.reportedValue')} style={{ flex: 1 }}>
              <Input />
            </Form.Item>
            <Form.Item name="expectedValue" label={t('correction.expectedValue')} style={{ flex: 1 }}>
              <Input />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="description" label={t('correction.col.description')} rules={[{ required: true, whitespace: true, message: t('correction.descriptionRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="correction-description" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

/** 反馈校核结果: corrected (with the load that fixed it) or not wrong (with the reason). */
function AnswerModal({ c, onClose, onDone }: { c: Correction | undefined; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const outcome = Form.useWatch('outcome', form) as 'corrected' | 'not_wrong' | undefined;
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async () => {
    if (!c) return;
    const v = (await form.validateFields()) as { outcome: 'corrected' | 'not_wrong'; reason?: string; loadId?: string };
    setSaving(true);
    setError(undefined);
    try {
      await correctionsApi.answer(c.id, { outcome: v.outcome, ...(v.reason ? { reason: v.reason } : {}), ...(v.loadId ? { loadId: v.loadId.trim() } : {}) });
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reason', 'loadId']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={!!c} title={t('correction.answer')} onCancel={onClose} onOk={submit} confirmLoading={saving} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ outcome: 'corrected' }}>
        <Form.Item name="outcome" label={t('correction.outcome')}>
          <Radio.Group
            options={[
              { value: 'corrected', label: t('correction.status.corrected') },
              { value: 'not_wrong', label: t('correction.status.not_wrong') },
            ]}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('correction.reason')} rules={[{ required: outcome === 'not_wrong', whitespace: true, message: t('correction.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="answer-reason" />
        </Form.Item>
        {outcome !== 'not_wrong' && (
          <Form.Item name="loadId" label={t('correction.loadId')} rules={[{ pattern: /^\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$/i, message: t('correction.loadIdInvalid') }]}>
            <Input placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function CaseDrawer({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const { data, error } = useAsync(() => (id ? correctionsApi.get(id) : Promise.resolve(undefined)), id ?? '');
  return (
    <Drawer open={!!id} onClose={onClose} width={560} title={t('correction.detail')}>
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && (
        <Descriptions column={1} size="small" bordered data-testid="correction-detail">
          <Descriptions.Item label={t('correction.col.entry')}>
            <Link to={`/catalog/entries/${encodeURIComponent(data.entry.id)}`}>{data.entry.name ?? data.entry.code}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('correction.col.provider')}>{data.provider.name}</Descriptions.Item>
          <Descriptions.Item label={t('correction.col.reporter')}>{`${data.reporter.orgName} · ${data.reporter.userName}`}</Descriptions.Item>
          <Descriptions.Item label={t('correction.col.row')}>{rowText(data)}</Descriptions.Item>
          <Descriptions.Item label={t('correction.col.field')}>{data.fieldLabel ?? data.field ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('correction.reportedValue')}>{data.reportedValue ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('correction.expectedValue')}>{data.expectedValue ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('correction.col.description')}>{data.description}</Descriptions.Item>
          <Descriptions.Item label={t('correction.col.status')}>
            <Tag color={STATUS_COLOR[data.status]}>{t(`correction.status.${data.status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('correction.col.due')}>
            {data.duty?.dueDate ?? '—'} <Countdown c={data} />
          </Descriptions.Item>
          {data.reason && <Descriptions.Item label={t('correction.reason')}>{data.reason}</Descriptions.Item>}
          {data.loadId && <Descriptions.Item label={t('correction.loadId')}>{data.loadId}</Descriptions.Item>}
          <Descriptions.Item label={t('correction.col.createdAt')}>{dateTime(data.createdAt)}</Descriptions.Item>
          {data.answeredAt && <Descriptions.Item label={t('correction.answeredAt')}>{dateTime(data.answeredAt)}</Descriptions.Item>}
        </Descriptions>
      )}
    </Drawer>
  );
}

/**
 * 校核纠错 (000 第四十二条): cases my org filed and cases against my org's entries, with the
 * provider's working-day countdown; the provider answers, the reporter reads the answer.
 */
export function CorrectionsPage() {
  const { t, dateTime } = useI18n();
  const [query, setQuery, queryKey] = useUrlState(['role', 'status', 'case'] as const);
  const role = query.role === 'provider' ? 'provider' : 'mine';
  const status = (['open', 'corrected', 'not_wrong'] as const).find((s) => s === query.status);
  const { data, error, loading, reload } = useAsync(() => correctionsApi.list({ role, ...(status ? { status } : {}) }), `${role}:${status ?? ''}:${queryKey}`);
  const [reporting, setReporting] = useState(false);
  const [answering, setAnswering] = useState<Correction | undefined>(undefined);

  const columns: ExportableColumns<Correction> = [
    {
      title: t('correction.col.entry'),
      key: 'entry',
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQuery({ case: c.id })}>
            {c.entry.name ?? c.entry.code}
          </Button>
          <Typography.Text type="secondary" className="small">
            {`${rowText(c)}${c.fieldLabel ? ` · ${c.fieldLabel}` : ''}`}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('correction.col.description'), dataIndex: 'description', key: 'description', ellipsis: true },
    { title: t(role === 'mine' ? 'correction.col.provider' : 'correction.col.reporter'), key: 'party', width: 200, render: (_, c) => (role === 'mine' ? c.provider.name : c.reporter.orgName) },
    { title: t('correction.col.createdAt'), key: 'createdAt', width: 160, render: (_, c) => dateTime(c.createdAt) },
    { title: t('correction.col.status'), key: 'status', width: 110, render: (_, c) => <Tag color={STATUS_COLOR[c.status]}>{t(`correction.status.${c.status}`)}</Tag> },
    { title: t('correction.col.due'), key: 'due', width: 170, exportText: (c) => countdownText(c, t), render: (_, c) => <Countdown c={c} /> },
    ...(role === 'provider'
      ? [
          {
            key: 'actions',
            width: 100,
            render: (_: unknown, c: Correction) =>
              c.status === 'open' ? (
                <Button size="small" type="primary" onClick={() => setAnswering(c)} data-testid="correction-answer-button">
                  {t('correction.answer')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.corrections')}
        description={t('correction.description')}
        extra={
          <Button type="primary" onClick={() => setReporting(true)} data-testid="correction-report-button">
            {t('correction.report')}
          </Button>
        }
      />
      <Card>
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Space wrap>
            <Segmented
              value={role}
              onChange={(v) => setQuery({ role: String(v), case: null })}
              options={[
                { value: 'mine', label: t('correction.mine') },
                { value: 'provider', label: t('correction.provider') },
              ]}
            />
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('correction.col.status')}
              value={status}
              onChange={(v?: string) => setQuery({ status: v ?? null })}
              options={(['open', 'corrected', 'not_wrong'] as const).map((s) => ({ value: s, label: t(`correction.status.${s}`) }))}
            />
            {/* A role's cases come in one response: read once. */}
            <ExportXlsxButton
              title={`${t('page.corrections')}_${t(role === 'provider' ? 'correction.provider' : 'correction.mine')}`}
              columns={columns}
              pageSize={500}
              fetchPage={async () => ({ items: (await correctionsApi.list({ role, ...(status ? { status } : {}) })).items, next: null })}
            />
          </Space>
          {error && <Alert type="error" showIcon message={errorText(error, t)} />}
          <Table<Correction> data-testid="corrections-table" rowKey="id" size="middle" loading={loading} columns={columns} dataSource={data?.items ?? []} scroll={{ x: 1100 }} />
        </Space>
      </Card>
      <ReportModal
        open={reporting}
        onClose={() => setReporting(false)}
        onDone={() => {
          setReporting(false);
          setQuery({ role: 'mine' });
          reload();
        }}
      />
      <AnswerModal
        c={answering}
        onClose={() => setAnswering(undefined)}
        onDone={() => {
          setAnswering(undefined);
          reload();
        }}
      />
      <CaseDrawer id={query.case} onClose={() => setQuery({ case: null })} />
    </Space>
  );
}
