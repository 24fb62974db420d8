/**
 * 开放需求征集 (000 第十八条; 001 第三十一条): the public list of proposals with their answers
 * (/open/demands, no login to read; signed in to propose and support), and the authority's page to
 * answer them (/opening/demands: planned, opened with the entry, or refused with its basis).
 */
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tabs, Typography } from 'antd';
import { LikeFilled, LikeOutlined, PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { readPaging, useUrlState } from '../../lib/urlState';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { PageHeader } from '../../components/PageHeader';
import { openApi } from './api';
import { DEMAND_STATUSES, demandsApi, type DemandAnswer, type OpenDemand } from './applicationsApi';
import { ART_DEMANDS, DemandStatusTag } from './applicationParts';
import { ExportXlsxButton, type ExportableColumns } from '../../components/ExportXlsxButton';

/** The public demand collection page of the portal. */
export function DemandsPage() {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('page.openDemands')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('od.description')} <LawHint source={ART_DEMANDS} />
      </Typography.Paragraph>
      <DemandList mode="public" />
    </Space>
  );
}

/** The authority's page: the same list with the answer dialog. */
export function DemandAnswersPage() {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.openingDemands')}
        description={
          <>
            {t('od.answer.description')} <LawHint source={ART_DEMANDS} />
          </>
        }
      />
      <DemandList mode="authority" />
    </Space>
  );
}

function DemandList({ mode }: { mode: 'public' | 'authority' }) {
  const { t, date } = useI18n();
  const { me } = useAuth();
  const { message } = App.useApp();
  const location = useLocation();
  const [query, setQuery, queryKey] = useUrlState(['status', 'q', 'sort', 'page', 'size'] as const);
  const status = DEMAND_STATUSES.find((s) => s === query.status) ?? (mode === 'authority' && query.status !== 'all' ? 'open' : undefined);
  const sort = query.sort === 'support' ? 'support' : 'newest';
  const paging = readPaging(query.page, query.size);
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useAsync(
    () => demandsApi.list({ ...(status ? { status } : {}), ...(query.q ? { q: query.q } : {}), sort, limit: paging.limit, offset: paging.offset }),
    `${queryKey}:${mode}:${tick}`,
  );
  const [proposing, setProposing] = useState(false);
  const [answering, setAnswering] = useState<OpenDemand>();
  const loginLink = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;

  const toggle = async (d: OpenDemand) => {
    try {
      await (d.supported ? demandsApi.unsupport(d.id) : demandsApi.support(d.id));
      setTick((n) => n + 1);
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const columns: ExportableColumns<OpenDemand> = [
    {
      title: t('od.col.title'),
      key: 'title',
      render: (_, d) => (
        <Space direction="vertical" size={2}>
          <Typography.Text strong data-testid="od-title">
            {d.title}
          </Typography.Text>
          <Typography.Text className="small">{d.description}</Typography.Text>
          <Typography.Text type="secondary" className="small">{`${t('od.scenario')}：${d.scenario}`}</Typography.Text>
          <Typography.Text type="secondary" className="small">{`${d.proposer} · ${date(d.createdAt)}${d.provider ? ` · ${t('od.provider')}：${d.provider.name}` : ''}${d.contact ? ` · ${t('od.contact')}：${d.contact}` : ''}`}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('od.col.answer'),
      key: 'answer',
      exportText: (d) =>
        [
          t(`od.status.${d.status}`),
          d.reply,
          d.basis ? t('law.basis', { text: d.basis }) : null,
          d.entry ? (d.entry.name ?? d.entry.code) : null,
          d.answeredBy ? `${d.answeredBy} ${date(d.answeredAt)}` : null,
        ]
          .filter(Boolean)
          .join('\n'),
      render: (_, d) => (
        <Space direction="vertical" size={2} data-testid="od-answer">
          <DemandStatusTag status={d.status} />
          {d.reply && <Typography.Text className="small">{d.reply}</Typography.Text>}
          {d.basis && <Typography.Text type="secondary" className="small">{t('law.basis', { text: d.basis })}</Typography.Text>}
          {d.entry && <Link to={`/open/datasets/${encodeURIComponent(d.entry.code)}`}>{d.entry.name ?? d.entry.code}</Link>}
          {d.answeredBy && <Typography.Text type="secondary" className="small">{`${d.answeredBy} ${date(d.answeredAt)}`}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('od.col.support'),
      key: 'support',
      width: 120,
      exportText: (d) => String(d.supportCount),
      render: (_, d) => {
        const open = d.status === 'open' || d.status === 'planned';
        if (!me)
          return (
            <Link to={loginLink} data-testid="od-support-login">
              <LikeOutlined /> {d.supportCount}
            </Link>
          );
        return (
          <Button size="small" type={d.supported ? 'primary' : 'default'} icon={d.supported ? <LikeFilled /> : <LikeOutlined />} disabled={!open && !d.supported} onClick={() => toggle(d)} data-testid="od-support">
            {d.supportCount}
          </Button>
        );
      },
    },
    ...(mode === 'authority'
      ? [
          {
            key: 'act',
            width: 100,
            render: (_: unknown, d: OpenDemand) =>
              (d.status === 'open' || d.status === 'planned') && (
                <Button size="small" type="primary" onClick={() => setAnswering(d)} data-testid="od-answer-open">
                  {t('od.answer')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Card>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Input.Search
            allowClear
            defaultValue={query.q}
            placeholder={t('od.search')}
            onSearch={(q) => setQuery({ q: q.trim() || null, page: null })}
            style={{ maxWidth: 320 }}
            data-testid="od-search"
          />
          <Radio.Group value={sort} onChange={(e) => setQuery({ sort: e.target.value === 'newest' ? null : e.target.value, page: null })} optionType="button" size="small">
            <Radio.Button value="newest">{t('od.sort.newest')}</Radio.Button>
            <Radio.Button value="support">{t('od.sort.support')}</Radio.Button>
          </Radio.Group>
          <ExportXlsxButton
            title={t(mode === 'authority' ? 'page.openingDemands' : 'page.openDemands')}
            columns={columns}
            pageSize={100}
            fetchPage={({ limit, offset }) => demandsApi.list({ ...(status ? { status } : {}), ...(query.q ? { q: query.q } : {}), sort, limit, offset })}
          />
          {mode === 'public' &&
            (me ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setProposing(true)} data-testid="od-propose">
                {t('od.propose')}
              </Button>
            ) : (
              <Link to={loginLink}>
                <Button type="primary" icon={<PlusOutlined />} data-testid="od-propose-login">
                  {t('od.proposeLogin')}
                </Button>
              </Link>
            ))}
        </Space>
        <Tabs
          size="small"
          activeKey={status ?? 'all'}
          onChange={(k) => setQuery({ status: k === 'all' ? (mode === 'authority' ? 'all' : null) : k, page: null })}
          items={[{ key: 'all', label: t('oa.filter.all') }, ...DEMAND_STATUSES.map((s) => ({ key: s, label: t(`od.status.${s}`) }))]}
        />
        {error && <Alert type="error" showIcon message={errorText(error, t)} />}
        <Table<OpenDemand>
          data-testid="od-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('od.empty') }}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total: data?.total ?? 0, onChange: (page, size) => setQuery({ page, size }) }}
        />
      </Space>
      <ProposeModal open={proposing} onClose={() => setProposing(false)} onDone={() => (setProposing(false), setTick((n) => n + 1), message.success(t('od.proposed')))} />
      <AnswerModal d={answering} onClose={() => setAnswering(undefined)} onDone={() => (setAnswering(undefined), setTick((n) => n + 1), message.success(t('od.answered')))} />
    </Card>
  );
}

function ProposeModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ title: string; description: string; scenario: string; contact?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      await demandsApi.propose({ title: v.title.trim(), description: v.description.trim(), scenario: v.scenario.trim(), contact: v.contact?.trim() || null });
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['title', 'description', 'scenario', 'contact']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={open} title={t('od.propose')} onCancel={onClose} onOk={submit} confirmLoading={saving} okButtonProps={{ 'data-testid': 'od-propose-submit' }} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="title" label={t('od.col.title')} rules={[{ required: true, whitespace: true, message: t('od.title.required') }]}>
          <Input maxLength={200} placeholder={t('od.title.placeholder')} data-testid="od-propose-title" />
        </Form.Item>
        <Form.Item name="description" label={t('od.descriptionLabel')} rules={[{ required: true, whitespace: true, message: t('od.descriptionLabel.required') }]}>
          <Input.TextArea rows={3} maxLength={4000} placeholder={t('od.descriptionLabel.placeholder')} data-testid="od-propose-description" />
        </Form.Item>
        <Form.Item name="scenario" label={t('od.scenario')} rules={[{ required: true, whitespace: true, message: t('od.scenario.required') }]}>
          <Input.TextArea rows={2} maxLength={2000} placeholder={t('od.scenario.placeholder')} data-testid="od-propose-scenario" />
        </Form.Item>
        <Form.Item name="contact" label={t('od.contact')} extra={t('od.contact.extra')}>
          <Input maxLength={200} data-testid="od-propose-contact" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AnswerModal({ d, onClose, onDone }: { d: OpenDemand | undefined; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<DemandAnswer>();
  const status = Form.useWatch('status', form);
  const [entryQ, setEntryQ] = useState('');
  const { data: entries } = useAsync(() => (status === 'opened' ? openApi.entries({ q: entryQ, limit: 20 }) : Promise.resolve(undefined)), `${status ?? ''}:${entryQ}`);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    if (!d) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      await demandsApi.answer(d.id, { status: v.status, reply: v.reply.trim(), ...(v.status === 'opened' ? { entryId: v.entryId ?? null } : {}), ...(v.basis?.trim() ? { basis: v.basis.trim() } : {}) });
      form.resetFields();
      onDone();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['reply', 'entryId', 'basis']);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={!!d} title={t('od.answer.title', { title: d?.title ?? '' })} onCancel={onClose} onOk={submit} confirmLoading={saving} okButtonProps={{ 'data-testid': 'od-answer-submit' }} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon message={t('od.answer.hint')} description={<LawHint source={ART_DEMANDS} mode="line" />} />
        {error && <Alert type="error" showIcon message={error} data-testid="od-answer-error" />}
        <Form form={form} layout="vertical" initialValues={{ status: 'planned' }}>
          <Form.Item name="status" label={t('od.answer.status')}>
            <Radio.Group
              options={(['planned', 'opened', 'refused'] as const).map((s) => ({ value: s, label: t(`od.status.${s}`) }))}
              data-testid="od-answer-status"
            />
          </Form.Item>
          <Form.Item name="reply" label={t('od.answer.reply')} rules={[{ required: true, whitespace: true, message: t('od.answer.reply.required') }]}>
            <Input.TextArea rows={3} maxLength={2000} data-testid="od-answer-reply" />
          </Form.Item>
          {status === 'opened' && (
            <Form.Item name="entryId" label={t('od.answer.entry')} rules={[{ required: true, message: t('od.answer.entry.required') }]}>
              <Select
                showSearch
                filterOption={false}
                onSearch={setEntryQ}
                options={(entries?.items ?? []).map((e) => ({ value: e.id, label: `${e.name}（${e.provider.name}）` }))}
                data-testid="od-answer-entry"
              />
            </Form.Item>
          )}
          {status === 'refused' && (
            <Form.Item name="basis" label={t('oa.basis')} rules={[{ required: true, whitespace: true, message: t('od.answer.basis.required') }]}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('sharing.refuse.basis.placeholder')} data-testid="od-answer-basis" />
            </Form.Item>
          )}
        </Form>
      </Space>
    </Modal>
  );
}
