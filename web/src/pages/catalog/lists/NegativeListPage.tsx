import { useState } from 'react';
import { Alert, App, Button, Card, Flex, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { api } from '../../../api/client';
import type { JointReviewState, NegativeListItem, Seat } from '../../../api/types';
import { useMe } from '../../../auth/AuthContext';
import { useI18n, type I18n, type MessageKey } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { readPaging, useUrlState } from '../../../lib/urlState';
import { errorText } from '../../../lib/errors';
import { PageHeader } from '../../../components/PageHeader';
import { OrgSelect } from '../../../components/OrgSelect';
import { LawHint } from '../../../components/LawHint';
import { StatusTag, type Tone } from '../../../components/StatusTag';
import { ExportXlsxButton, type ExportableColumns } from '../../../components/ExportXlsxButton';
import { ExportButton } from '../ExportButton';
import { EntryName, entryNameText } from '../EntryName';
import { useCatalogLabels } from '../labels';
import { ART, ATTR_COLOR, SEATS } from '../vocab';
import { canSignSeat } from './permissions';
import { SignoffModal } from './SignoffModal';

const URL_KEYS = ['provider', 'state', 'shareAttr', 'version', 'page', 'size'] as const;
const STATES: readonly JointReviewState[] = ['pending', 'confirmed', 'disputed'];
const STATE_TONE: Record<JointReviewState, Tone> = { pending: 'progress', confirmed: 'approved', disputed: 'refused' };
const STATE_TITLE: Record<JointReviewState, MessageKey> = {
  pending: 'catalog.negative.state.pending',
  confirmed: 'catalog.negative.state.confirmed',
  disputed: 'catalog.negative.state.disputed',
};

/** Seats the signed-in org holds and has not signed yet for this item. */
function mySeats(item: NegativeListItem, can: (holder: string | null | undefined) => boolean) {
  return item.review.missing.filter((m) => can(m.org?.id)).map((m) => ({ seat: m.seat, label: m.label }));
}

/** The seats of {@link SeatTags} as text, for the list's export: 席位：同意 / 不同意 / 待…签署. */
function seatsText(item: NegativeListItem, t: I18n['t']): string {
  const signed = new Map(item.review.signoffs.map((s) => [s.seat, s]));
  const missing = new Map(item.review.missing.map((m) => [m.seat, m]));
  return SEATS.map((seat) => {
    const s = signed.get(seat);
    if (s) return `${s.seatLabel}：${t(s.decision === 'agree' ? 'catalog.negative.agree' : 'catalog.negative.disagree')}`;
    const m = missing.get(seat as Seat);
    return `${m?.label ?? seat}：${m?.org ? t('catalog.negative.seat.holder', { org: m.org.name }) : t('catalog.negative.seat.unassigned')}`;
  }).join('\n');
}

/** Each seat of the joint review as a tag: signed (agree green, disagree red) or still missing (grey, its holder on hover). */
function SeatTags({ item }: { item: NegativeListItem }) {
  const { t } = useI18n();
  const signed = new Map(item.review.signoffs.map((s) => [s.seat, s]));
  const missing = new Map(item.review.missing.map((m) => [m.seat, m]));
  return (
    <Space size={[4, 4]} wrap data-testid="seat-tags">
      {SEATS.map((seat) => {
        const s = signed.get(seat);
        const m = missing.get(seat as Seat);
        if (s) {
          return (
            <Tooltip key={seat} title={s.comment ? t('catalog.kv', { k: `${s.org.name} · ${s.user.name}`, v: s.comment }) : `${s.org.name} · ${s.user.name}`}>
              <Tag color={s.decision === 'agree' ? 'success' : 'error'} data-seat={seat} data-signed={s.decision}>
                {s.seatLabel}
              </Tag>
            </Tooltip>
          );
        }
        return (
          <Tooltip key={seat} title={m?.org ? t('catalog.negative.seat.holder', { org: m.org.name }) : t('catalog.negative.seat.unassigned')}>
            <Tag data-seat={seat} data-signed="missing">
              {m?.label ?? seat}
            </Tag>
          </Tooltip>
        );
      })}
    </Space>
  );
}

/**
 * 负面清单: published entries shared only on conditions or not at all (000 第十一条), each with
 * the state of its joint review — which seats signed, which are missing — and, for a seat
 * holder, the sign-off action.
 */
export function NegativeListPage() {
  const me = useMe();
  const { t, dateTime } = useI18n();
  const l = useCatalogLabels();
  const { message } = App.useApp();
  const [query, setQuery, queryKey] = useUrlState(URL_KEYS);
  const paging = readPaging(query.page, query.size);
  const { data, error, loading, reload } = useAsync(
    () => api.catalog.negativeList({ provider: query.provider, state: query.state, shareAttr: query.shareAttr, limit: paging.limit, offset: paging.offset }),
    queryKey,
  );
  const focused = useAsync(() => (query.version ? api.catalog.negativeItem(query.version) : Promise.resolve(null)), query.version ?? '');
  const [signing, setSigning] = useState<NegativeListItem | null>(null);
  const can = (holder: string | null | undefined) => canSignSeat(me, holder);

  const columns: ExportableColumns<NegativeListItem> = [
    { title: t('catalog.col.entry'), key: 'name', width: 240, exportText: (i) => entryNameText(i.entry), render: (_, i) => <EntryName entry={i.entry} /> },
    { title: t('catalog.field.provider'), key: 'provider', width: 160, render: (_, i) => i.entry.provider.name },
    {
      title: t('catalog.field.shareAttr'),
      key: 'share',
      width: 220,
      render: (_, i) => (
        <Space direction="vertical" size={2}>
          <Tag color={ATTR_COLOR[i.entry.shareAttr]}>{l.attr('share', i.entry.shareAttr)}</Tag>
          <Typography.Text type="secondary" className="small">
            {i.entry.shareAttr === 'none' ? i.entry.noShareBasis : i.entry.shareConditions?.scope}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('catalog.negative.col.review'),
      key: 'review',
      width: 130,
      render: (_, i) => (
        <Space direction="vertical" size={2}>
          <StatusTag tone={STATE_TONE[i.review.state]} testId="negative-state">
            {t(STATE_TITLE[i.review.state])}
          </StatusTag>
          <Typography.Text type="secondary" className="small">
            {t('catalog.negative.signedOf', { n: i.review.signoffs.length, total: SEATS.length })}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('catalog.negative.col.seats'), key: 'seats', width: 440, exportText: (i) => seatsText(i, t), render: (_, i) => <SeatTags item={i} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      fixed: 'right',
      render: (_, i) =>
        mySeats(i, can).length > 0 ? (
          <Button type="primary" size="small" onClick={() => setSigning(i)} data-testid="negative-sign">
            {t('catalog.negative.sign')}
          </Button>
        ) : null,
    },
  ];

  const expanded = (i: NegativeListItem) =>
    i.review.signoffs.length === 0 ? (
      <Typography.Text type="secondary">{t('catalog.negative.noSignoffs')}</Typography.Text>
    ) : (
      <Space direction="vertical" size={4}>
        {i.review.signoffs.map((s) => (
          <Typography.Text key={s.seat}>
            <Tag color={s.decision === 'agree' ? 'success' : 'error'}>{t(s.decision === 'agree' ? 'catalog.negative.agree' : 'catalog.negative.disagree')}</Tag>
            {s.comment
              ? t('catalog.kv', { k: `${s.seatLabel} · ${s.org.name} · ${s.user.name} · ${dateTime(s.at)}`, v: s.comment })
              : `${s.seatLabel} · ${s.org.name} · ${s.user.name} · ${dateTime(s.at)}`}
          </Typography.Text>
        ))}
      </Space>
    );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.negativeList')}
        description={
          <>
            {t('catalog.negative.description')} <LawHint source={ART.negativeList} />
          </>
        }
        extra={<ExportButton />}
      />
      {focused.data && (
        <Alert
          type={focused.data.review.state === 'disputed' ? 'error' : focused.data.review.state === 'confirmed' ? 'success' : 'info'}
          showIcon
          message={t('catalog.kv', { k: focused.data.entry.name, v: t(STATE_TITLE[focused.data.review.state]) })}
          description={<SeatTags item={focused.data} />}
          closable
          onClose={() => setQuery({ version: undefined })}
        />
      )}
      <Card>
        <Flex gap={8} wrap className="filters">
          <OrgSelect
            value={query.provider}
            onChange={(v) => setQuery({ provider: v, page: undefined })}
            placeholder={t('catalog.filter.provider')}
            style={{ width: 260 }}
          />
          <Select
            allowClear
            value={query.state}
            onChange={(v: string | undefined) => setQuery({ state: v, page: undefined })}
            placeholder={t('catalog.negative.filter.state')}
            options={STATES.map((s) => ({ value: s, label: t(STATE_TITLE[s]) }))}
            style={{ width: 180 }}
            data-testid="negative-filter-state"
          />
          <Select
            allowClear
            value={query.shareAttr}
            onChange={(v: string | undefined) => setQuery({ shareAttr: v, page: undefined })}
            placeholder={t('catalog.filter.shareAttr')}
            options={(['conditional', 'none'] as const).map((a) => ({ value: a, label: l.attr('share', a) }))}
            style={{ width: 180 }}
          />
          <Button onClick={() => setQuery({ provider: undefined, state: undefined, shareAttr: undefined, page: undefined })}>{t('common.reset')}</Button>
          <ExportXlsxButton
            title={t('page.negativeList')}
            columns={columns}
            pageSize={500}
            fetchPage={({ limit, offset }) => api.catalog.negativeList({ provider: query.provider, state: query.state, shareAttr: query.shareAttr, limit, offset })}
          />
        </Flex>
        <Table<NegativeListItem>
          data-testid="negative-list"
          rowKey={(i) => i.entry.versionId}
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          expandable={{ expandedRowRender: expanded }}
          scroll={{ x: 1350 }}
          locale={{ emptyText: error ? errorText(error, t) : t('catalog.negative.empty') }}
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
      <SignoffModal
        item={signing}
        seats={signing ? mySeats(signing, can) : []}
        onClose={() => setSigning(null)}
        onSign={async (v) => {
          if (!signing) return;
          await api.catalog.signNegative(signing.entry.versionId, { seat: v.seat, decision: v.decision, comment: v.comment?.trim() || undefined });
          message.success(t('catalog.negative.signed', { name: signing.entry.name }));
          setSigning(null);
          reload();
          focused.reload();
        }}
      />
    </Space>
  );
}
