import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Popconfirm, Radio, Segmented, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../../api/client';
import type { OperationItem, OperationStatus, Registration } from '../../../api/types';
import { useMe } from '../../../auth/AuthContext';
import { useI18n, type MessageKey } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { readPaging, useUrlState } from '../../../lib/urlState';
import { applyFieldErrors, errorText } from '../../../lib/errors';
import { PageHeader } from '../../../components/PageHeader';
import { OrgSelect } from '../../../components/OrgSelect';
import { LawHint } from '../../../components/LawHint';
import { StatusTag, type Tone } from '../../../components/StatusTag';
import { ExportButton } from '../ExportButton';
import { EntryName, entryNameText } from '../EntryName';
import { ExportXlsxButton, type ExportableColumns } from '../../../components/ExportXlsxButton';
import { useCatalogLabels } from '../labels';
import { ART, GRADE_COLOR } from '../vocab';
import { canConsent, canRegisterResource, canRemoveItem } from './permissions';

const URL_KEYS = ['status', 'provider', 'page', 'size'] as const;
const STATUSES: readonly OperationStatus[] = ['listed', 'awaiting_consent', 'refused', 'removed'];
const STATUS_TONE: Record<OperationStatus, Tone> = { listed: 'approved', awaiting_consent: 'waiting', refused: 'refused', removed: 'expired' };
const STATUS_TITLE: Record<OperationStatus, MessageKey> = {
  listed: 'catalog.operation.status.listed',
  awaiting_consent: 'catalog.operation.status.awaiting_consent',
  refused: 'catalog.operation.status.refused',
  removed: 'catalog.operation.status.removed',
};

function ConsentModal({ item, onClose, onDone }: { item: OperationItem | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: 'give' | 'refuse'; comment?: string }>();
  const decision = Form.useWatch('decision', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!item) return;
    let v: { decision: 'give' | 'refuse'; comment?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.catalog.consent(item.id, { decision: v.decision, comment: v.comment?.trim() || undefined });
      message.success(t(v.decision === 'give' ? 'catalog.operation.consent.given' : 'catalog.operation.consent.refused'));
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['decision', 'comment']);
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={item !== null}
      title={item?.entry ? t('catalog.operation.consent.title', { name: item.entry.name }) : ''}
      okText={t('common.save')}
      okButtonProps={{ loading: busy, 'data-testid': 'consent-confirm' }}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('catalog.operation.consent.intro', { org: item?.listedBy.name ?? '' })} <LawHint source={ART.operationScope} />
      </Typography.Paragraph>
      {item?.note && <Alert type="info" message={item.note} style={{ marginBottom: 12 }} />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ decision: 'give' }}>
        <Form.Item name="decision" label={t('catalog.operation.consent.decision')}>
          <Radio.Group>
            <Radio value="give">{t('catalog.operation.consent.give')}</Radio>
            <Radio value="refuse">{t('catalog.operation.consent.refuse')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="comment"
          label={t('catalog.operation.consent.comment')}
          dependencies={['decision']}
          rules={decision === 'refuse' ? [{ required: true, whitespace: true, message: t('catalog.rule.consent.comment') }] : []}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 授权运营目录 (000 第二十七、二十八条): entries listed for authorized operation; items listed by
 * another org await the provider's consent; listed items are registered (登记, 000 第二十九条)
 * with a registration code and a public query code.
 */
export function OperationListPage() {
  const me = useMe();
  const { t, date } = useI18n();
  const l = useCatalogLabels();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const status: OperationStatus = STATUSES.find((s) => s === query.status) ?? 'listed';
  const paging = readPaging(query.page, query.size);
  const { data, error, loading, reload } = useAsync(
    () => api.catalog.operationList({ status, provider: query.provider, limit: paging.limit, offset: paging.offset }),
    `${status}|${queryKey}`,
  );
  const [consenting, setConsenting] = useState<OperationItem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (key: string, action: () => Promise<unknown>, done: (r: unknown) => void) => {
    setBusy(key);
    try {
      done(await action());
      reload();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(null);
    }
  };

  const registered = (r: Registration) =>
    modal.success({
      title: t('catalog.operation.registered.title'),
      content: (
        <Space direction="vertical" size={4} data-testid="registration-result">
          <span>
            {t('catalog.kv', { k: t('catalog.operation.registrationCode'), v: '' })}
            <Typography.Text copyable className="mono">{r.registrationCode}</Typography.Text>
          </span>
          <span>
            {t('catalog.kv', { k: t('catalog.operation.queryCode'), v: '' })}
            <Typography.Text copyable className="mono">{r.queryCode}</Typography.Text>
          </span>
          <Typography.Text type="secondary">{t('catalog.operation.registered.note', { n: r.version })}</Typography.Text>
        </Space>
      ),
    });

  const columns: ExportableColumns<OperationItem> = [
    { title: t('catalog.col.entry'), key: 'name', exportText: (i) => (i.entry ? entryNameText(i.entry) : '—'), render: (_, i) => (i.entry ? <EntryName entry={i.entry} /> : '—') },
    { title: t('catalog.field.provider'), key: 'provider', width: 170, render: (_, i) => i.entry?.provider.name ?? '—' },
    {
      title: t('catalog.operation.col.listedBy'),
      key: 'listedBy',
      width: 200,
      render: (_, i) => (
        <Space direction="vertical" size={2}>
          <span>{i.listedBy.name}</span>
          {i.viaSharing && <Tag color="purple">{t('catalog.operation.viaSharing')}</Tag>}
        </Space>
      ),
    },
    { title: t('catalog.field.grade'), key: 'grade', width: 100, render: (_, i) => (i.entry ? <Tag color={GRADE_COLOR[i.entry.grade]}>{l.grade(i.entry.grade)}</Tag> : '—') },
    {
      title: t('common.status'),
      key: 'status',
      width: 150,
      render: (_, i) => (
        <Space direction="vertical" size={2}>
          <StatusTag tone={STATUS_TONE[i.status]} testId="operation-status">
            {t(STATUS_TITLE[i.status])}
          </StatusTag>
          {i.consent && (
            <Typography.Text type="secondary" className="small">
              {(() => {
                const who = t(i.consent.decision === 'give' ? 'catalog.operation.consent.givenBy' : 'catalog.operation.consent.refusedBy', {
                  who: i.consent.by?.name ?? '—',
                  date: date(i.consent.at),
                });
                return i.consent.comment ? t('catalog.kv', { k: who, v: i.consent.comment }) : who;
              })()}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('catalog.operation.col.registration'),
      key: 'registration',
      width: 230,
      render: (_, i) =>
        i.registration ? (
          <Space direction="vertical" size={0} data-testid="registration-codes">
            <Typography.Text className="mono" copyable>
              {i.registration.registrationCode}
            </Typography.Text>
            <Typography.Text type="secondary" className="small">
              {t('catalog.operation.queryCode')} <span className="mono">{i.registration.queryCode}</span> · {t('catalog.versionN', { n: i.registration.version })}
            </Typography.Text>
          </Space>
        ) : (
          <span className="muted">{t('catalog.operation.notRegistered')}</span>
        ),
    },
    { title: t('catalog.operation.col.listedAt'), key: 'listedAt', width: 130, render: (_, i) => date(i.listedAt ?? i.createdAt) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 190,
      fixed: 'right',
      render: (_, i) => {
        const providerId = i.entry?.provider.id;
        const registeredNow = i.registration !== null && i.registration.version === i.entry?.publishedVersion;
        return (
          <Space size={0} wrap>
            {i.status === 'awaiting_consent' && canConsent(me, providerId) && (
              <Button type="link" size="small" onClick={() => setConsenting(i)} data-testid="operation-consent">
                {t('catalog.operation.consent')}
              </Button>
            )}
            {i.status === 'listed' && !registeredNow && canRegisterResource(me) && (
              <Popconfirm
                title={t('catalog.operation.register.confirm')}
                description={t('catalog.operation.register.effect')}
                onConfirm={() => act(`reg-${i.id}`, () => api.catalog.register(i.id), (r) => registered(r as Registration))}
              >
                <Button type="link" size="small" loading={busy === `reg-${i.id}`} data-testid="operation-register">
                  {t('catalog.operation.register')}
                </Button>
              </Popconfirm>
            )}
            {(i.status === 'listed' || i.status === 'awaiting_consent') && canRemoveItem(me, { listedBy: i.listedBy, providerOrgId: providerId }) && (
              <Popconfirm
                title={t('catalog.operation.remove.confirm')}
                onConfirm={() => act(`rm-${i.id}`, () => api.catalog.removeFromOperation(i.id), () => message.success(t('catalog.operation.removed')))}
              >
                <Button type="link" size="small" danger loading={busy === `rm-${i.id}`}>
                  {t('catalog.operation.remove')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.operationList')}
        description={
          <>
            {t('catalog.operation.description')} <LawHint source={`${ART.operationScope}; ${ART.operationList}; ${ART.registration}`} />
          </>
        }
        extra={
          <>
            <Input.Search
              allowClear
              placeholder={t('catalog.registration.lookup')}
              onSearch={(v) => v.trim() && navigate(`/catalog/registrations/${encodeURIComponent(v.trim())}`)}
              style={{ width: 220 }}
              data-testid="registration-lookup"
            />
            <ExportButton />
          </>
        }
      />
      <Card>
        <Flex gap={8} wrap className="filters" align="center">
          <Segmented<OperationStatus>
            value={status}
            onChange={(v) => setQuery({ status: v === 'listed' ? undefined : v, page: undefined })}
            options={STATUSES.map((s) => ({ value: s, label: t(STATUS_TITLE[s]) }))}
            data-testid="operation-filter-status"
          />
          <OrgSelect value={query.provider} onChange={(v) => setQuery({ provider: v, page: undefined })} placeholder={t('catalog.filter.provider')} style={{ width: 260 }} />
          <Button onClick={() => setQuery({ status: undefined, provider: undefined, page: undefined })}>{t('common.reset')}</Button>
          <ExportXlsxButton
            title={`${t('page.operationList')}_${t(STATUS_TITLE[status])}`}
            columns={columns}
            pageSize={500}
            fetchPage={({ limit, offset }) => api.catalog.operationList({ status, provider: query.provider, limit, offset })}
          />
        </Flex>
        <Table<OperationItem>
          data-testid="operation-list"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          scroll={{ x: 1400 }}
          locale={{ emptyText: error ? errorText(error, t) : t('catalog.operation.empty') }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (page, size) => setQuery({ page: page === 1 ? undefined : page, size: size === 20 ? undefined : size }),
          }}
        />
      </Card>
      <ConsentModal
        item={consenting}
        onClose={() => setConsenting(null)}
        onDone={() => {
          setConsenting(null);
          reload();
        }}
      />
    </Space>
  );
}
