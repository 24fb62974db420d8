/**
 * 开放前匿名化审查 (000 第十九条) on an entry's data page, for its provider: each field's treatment,
 * the quasi-identifiers, the sensitive attribute, the subjects' consent; run the check on the live
 * version; the latest report with the combinations below k, and the earlier checks. The authority
 * reads the same panel without the actions.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { gateApi, treatmentChoices, type GateFieldView, type GateReport, type GateStatus, type GateView } from './gateApi';

const ART = '000 第十九条';
const TONE: Record<GateStatus, Tone> = { not_needed: 'draft', passed: 'approved', failed: 'refused', pending: 'waiting' };

interface Draft {
  treatments: Record<string, string>;
  quasiIdentifiers: string[];
  sensitive: string | null;
  minL: number | null;
  consentOn: boolean;
  reference: string;
  attachment: string;
  scope: string;
}

const draftOf = (v: GateView): Draft => ({
  treatments: { ...(v.plan?.treatments ?? {}) },
  quasiIdentifiers: [...(v.plan?.quasiIdentifiers ?? [])],
  sensitive: v.plan?.sensitive ?? null,
  minL: v.plan?.minL ?? null,
  consentOn: !!v.plan?.consent,
  reference: v.plan?.consent?.reference ?? '',
  attachment: v.plan?.consent?.attachment ?? '',
  scope: v.plan?.consent?.scope ?? '',
});

function ReportView({ report, fields }: { report: GateReport; fields: GateFieldView[] }) {
  const { t, dateTime } = useI18n();
  const labels = new Map(fields.map((f) => [f.name, f.label]));
  // In the fields' order (a jsonb object keeps its keys in an order of its own).
  const first = report.examples[0]?.values ?? {};
  const qis = [...fields.map((f) => f.name).filter((n) => n in first), ...Object.keys(first).filter((n) => !labels.has(n))];
  const exampleCols: TableColumnsType<GateReport['examples'][number]> = [
    ...qis.map((q) => ({ title: labels.get(q) ?? q, key: q, render: (_: unknown, e: GateReport['examples'][number]) => <span className="mono">{e.values[q] === null ? '—' : String(e.values[q])}</span> })),
    { title: t('gate.report.size'), dataIndex: 'size', key: 'size', align: 'right' as const },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="gate-report">
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }}>
        <Descriptions.Item label={t('gate.report.status')}>
          <StatusTag tone={report.status === 'passed' ? 'approved' : 'refused'} testId="gate-report-status">
            {t(`gate.status.${report.status}`)}
          </StatusTag>
        </Descriptions.Item>
        <Descriptions.Item label={t('gate.report.basis')}>{t(`gate.basis.${report.basis}`)}</Descriptions.Item>
        <Descriptions.Item label="k">{report.k}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.rows')}>{report.rows}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.classes')}>{report.classes}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.smallest')}>{report.smallestClass ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.below')}>{t('gate.report.belowValue', { classes: report.classesBelowK, rows: report.rowsBelowK })}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.l')}>{report.l ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('gate.report.checkedAt')}>
          {dateTime(report.checkedAt)} · {t(`gate.trigger.${report.trigger}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('gate.report.reason')} span={3}>
          <span data-testid="gate-report-reason">{report.reason}</span> <LawHint source={report.source} />
        </Descriptions.Item>
      </Descriptions>
      {report.examples.length > 0 && (
        <>
          <Typography.Text strong>{t('gate.report.examples')}</Typography.Text>
          <Table size="small" rowKey={(e) => JSON.stringify(e.values)} columns={exampleCols} dataSource={report.examples} pagination={false} data-testid="gate-examples" scroll={{ x: true }} />
        </>
      )}
    </Space>
  );
}

/** The gate of one entry (000 第十九条), by its code. */
export function GatePanel({ entryCode }: { entryCode: string }) {
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [reload, setReload] = useState(0);
  const gate = useAsync(() => gateApi.get(entryCode), `gate:${entryCode}:${reload}`);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState<'save' | 'run' | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const view = gate.data;

  useEffect(() => {
    if (view) setDraft(draftOf(view));
  }, [view]);

  const knownTreatment = useMemo(() => {
    const keys = new Set<string>();
    for (const type of ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const) for (const c of treatmentChoices(type)) keys.add(c);
    return keys;
  }, []);
  const treatmentText = (v: string) => (knownTreatment.has(v) ? t(`gate.t.${v}` as MessageKey) : v);

  if (gate.error) {
    // Only the provider and the authority read the gate: others see nothing of it.
    if (gate.error instanceof ApiError && (gate.error.status === 403 || gate.error.status === 404)) return null;
    return <Alert type="error" showIcon message={errorText(gate.error, t)} />;
  }
  if (!view || !draft) return <Card size="small" loading title={t('gate.panel.title')} />;

  const manage = view.mayManage && view.needed && view.entry.openAttr !== 'none';
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  const save = async () => {
    setBusy('save');
    setError(undefined);
    try {
      await gateApi.savePlan(entryCode, {
        treatments: draft.treatments,
        quasiIdentifiers: draft.quasiIdentifiers,
        sensitive: draft.sensitive,
        minL: draft.minL,
        consent: draft.consentOn ? { reference: draft.reference, attachment: draft.attachment, scope: draft.scope || null } : null,
      });
      message.success(t('gate.saved'));
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const run = async () => {
    setBusy('run');
    setError(undefined);
    try {
      const r = await gateApi.run(entryCode);
      if (r.status === 'passed') message.success(t('gate.ran.passed'));
      else message.warning(t('gate.ran.failed', { reason: r.reason }));
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<GateFieldView> = [
    {
      title: t('gate.col.field'),
      key: 'field',
      render: (_, f) => (
        <span>
          {f.label} <Typography.Text type="secondary" className="mono">{f.name}</Typography.Text>
        </span>
      ),
    },
    { title: t('gate.col.type'), dataIndex: 'type', key: 'type', responsive: ['md'] },
    {
      title: t('gate.col.kind'),
      key: 'kind',
      render: (_, f) => (
        <Space size={4} wrap>
          {f.piiKind && <Tag>{f.piiKind}</Tag>}
          {f.directIdentifier && <Tag color="red">{t('gate.direct')}</Tag>}
          {f.commercialSecret && <Tag color="orange">{t('gate.secret')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('gate.col.treatment'),
      key: 'treatment',
      render: (_, f) => {
        const value = draft.treatments[f.name];
        if (!manage) return value ? treatmentText(value) : <Typography.Text type="secondary">{t('gate.undeclared')}</Typography.Text>;
        const choices = treatmentChoices(f.type);
        if (value && !choices.includes(value)) choices.push(value);
        return (
          <Select
            size="small"
            style={{ minWidth: 220 }}
            allowClear
            placeholder={t('gate.undeclared')}
            value={value}
            data-testid={`gate-treatment-${f.name}`}
            onChange={(v: string | undefined) => {
              const next = { ...draft.treatments };
              if (v) next[f.name] = v;
              else delete next[f.name];
              set({ treatments: next });
            }}
            options={choices.map((c) => ({ value: c, label: treatmentText(c) }))}
          />
        );
      },
    },
    {
      title: t('gate.col.qi'),
      key: 'qi',
      align: 'center',
      render: (_, f) => {
        const declared = draft.quasiIdentifiers.includes(f.name);
        const auto = f.quasiIdentifier && !declared;
        const box = (
          <Checkbox
            checked={declared || auto}
            disabled={!manage || auto}
            data-testid={`gate-qi-${f.name}`}
            onChange={(e) => set({ quasiIdentifiers: e.target.checked ? [...draft.quasiIdentifiers, f.name] : draft.quasiIdentifiers.filter((q) => q !== f.name) })}
          />
        );
        return auto ? <Tooltip title={t('gate.autoQi')}>{box}</Tooltip> : box;
      },
    },
  ];

  const historyCols: TableColumnsType<GateReport> = [
    { title: t('gate.col.version'), dataIndex: 'versionNo', key: 'v' },
    { title: t('gate.report.status'), key: 's', render: (_, r) => <StatusTag tone={r.status === 'passed' ? 'approved' : 'refused'}>{t(`gate.status.${r.status}`)}</StatusTag> },
    { title: t('gate.report.basis'), key: 'b', render: (_, r) => t(`gate.basis.${r.basis}`) },
    { title: t('gate.report.trigger'), key: 't', render: (_, r) => t(`gate.trigger.${r.trigger}`), responsive: ['md'] },
    { title: t('gate.report.checkedAt'), key: 'at', render: (_, r) => dateTime(r.checkedAt) },
  ];

  return (
    <Card
      size="small"
      data-testid="gate-panel"
      title={
        <Space>
          {t('gate.panel.title')}
          <LawHint source={ART} />
        </Space>
      }
      extra={
        <Space>
          <StatusTag tone={TONE[view.status]} testId="gate-status">
            {t(`gate.status.${view.status}`)}
          </StatusTag>
          {view.needed && <Tag>{t('gate.k', { k: view.k })}</Tag>}
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        {view.entry.openAttr === 'none' ? (
          <Alert type="info" showIcon message={t('gate.notOpen')} />
        ) : !view.needed ? (
          <Alert type="success" showIcon message={t('gate.notNeeded')} />
        ) : (
          <>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('gate.panel.intro')}
            </Typography.Paragraph>
            {view.live ? <Typography.Text>{t('gate.live', { version: view.live.versionNo, rows: view.live.rows })}</Typography.Text> : <Alert type="warning" showIcon message={t('gate.noData')} />}
            {!view.mayManage && <Alert type="info" showIcon message={t('gate.readOnly')} />}
            {error && <Alert type="error" showIcon message={error} data-testid="gate-error" />}
            <Table size="small" rowKey="name" columns={columns} dataSource={view.fields} pagination={false} data-testid="gate-fields" scroll={{ x: true }} />
            <Form layout="vertical" disabled={!manage}>
              <Space wrap size={16} align="start">
                <Form.Item label={t('gate.sensitive')} style={{ minWidth: 240 }}>
                  <Select
                    allowClear
                    placeholder={t('gate.sensitive.none')}
                    value={draft.sensitive ?? undefined}
                    onChange={(v: string | undefined) => set({ sensitive: v ?? null })}
                    options={view.fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))}
                    data-testid="gate-sensitive"
                  />
                </Form.Item>
                <Form.Item label={t('gate.minL')} extra={t('gate.minL.extra')}>
                  <InputNumber min={1} max={1000} value={draft.minL ?? undefined} onChange={(v) => set({ minL: typeof v === 'number' ? v : null })} data-testid="gate-min-l" />
                </Form.Item>
              </Space>
              <Form.Item>
                <Space>
                  <Switch checked={draft.consentOn} onChange={(v) => set({ consentOn: v })} data-testid="gate-consent" />
                  {t('gate.consent')}
                </Space>
              </Form.Item>
              {draft.consentOn && (
                <Space wrap size={16} align="start">
                  <Form.Item label={t('gate.consent.reference')} required>
                    <Input value={draft.reference} maxLength={200} onChange={(e) => set({ reference: e.target.value })} data-testid="gate-consent-reference" />
                  </Form.Item>
                  <Form.Item label={t('gate.consent.attachment')} required style={{ minWidth: 320 }}>
                    <Input value={draft.attachment} maxLength={1000} onChange={(e) => set({ attachment: e.target.value })} data-testid="gate-consent-attachment" />
                  </Form.Item>
                  <Form.Item label={t('gate.consent.scope')}>
                    <Input value={draft.scope} maxLength={500} onChange={(e) => set({ scope: e.target.value })} />
                  </Form.Item>
                </Space>
              )}
            </Form>
            {view.problems.length > 0 && (
              <Alert
                type="warning"
                showIcon
                message={t('gate.problems')}
                data-testid="gate-problems"
                description={
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {view.problems.map((p) => (
                      <li key={`${p.field}:${p.message}`}>
                        <span className="mono">{p.field}</span>：{p.message}
                      </li>
                    ))}
                  </ul>
                }
              />
            )}
            {manage && (
              <Space wrap>
                <Button icon={<SaveOutlined />} onClick={() => void save()} loading={busy === 'save'} data-testid="gate-save">
                  {t('gate.save')}
                </Button>
                <Button type="primary" icon={<PlayCircleOutlined />} onClick={() => void run()} loading={busy === 'run'} disabled={!view.live} data-testid="gate-run">
                  {t('gate.run')}
                </Button>
              </Space>
            )}
            <Typography.Title level={5} style={{ margin: 0 }}>
              {view.report ? t('gate.report', { version: view.report.versionNo }) : t('gate.report.none')}
            </Typography.Title>
            {view.report && <ReportView report={view.report} fields={view.fields} />}
            {view.history.length > 1 && (
              <>
                <Typography.Text strong>{t('gate.history')}</Typography.Text>
                <Table size="small" rowKey="id" columns={historyCols} dataSource={view.history} pagination={{ pageSize: 5, hideOnSinglePage: true }} />
              </>
            )}
          </>
        )}
      </Space>
    </Card>
  );
}
