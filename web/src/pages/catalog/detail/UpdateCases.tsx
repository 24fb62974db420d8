import { Button, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { CatalogUpdateCase } from '../../../api/types';
import { useI18n, type MessageKey } from '../../../i18n';
import { DutyCountdown } from '../../../components/DutyCountdown';
import { LawHint } from '../../../components/LawHint';
import { StatusTag, type Tone } from '../../../components/StatusTag';
import { ART } from '../vocab';

const CASE_TONE: Record<CatalogUpdateCase['status'], Tone> = { open: 'waiting', submitted: 'progress', done: 'approved', cancelled: 'expired' };
const CASE_STATUS: Record<CatalogUpdateCase['status'], MessageKey> = {
  open: 'catalog.case.open',
  submitted: 'catalog.case.submitted',
  done: 'catalog.case.done',
  cancelled: 'catalog.case.cancelled',
};

interface UpdateCasesProps {
  cases: CatalogUpdateCase[];
  /** Offered to the authority's reviewers for an open, not yet extended duty. */
  onExtend?: (c: CatalogUpdateCase) => void;
}

/** 更新事项: each change of law or duties, its update duty counting down in working days (000 第七条). */
export function UpdateCases({ cases, onExtend }: UpdateCasesProps) {
  const { t, date } = useI18n();
  const columns: TableColumnsType<CatalogUpdateCase> = [
    {
      title: t('catalog.change.description'),
      key: 'what',
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Typography.Text>{c.description}</Typography.Text>
          <Typography.Text type="secondary" className="small">
            {t(c.kind === 'law' ? 'catalog.change.law' : 'catalog.change.duties')} · {date(c.openedAt)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('common.status'), key: 'status', width: 110, render: (_, c) => <StatusTag tone={CASE_TONE[c.status]}>{t(CASE_STATUS[c.status])}</StatusTag> },
    {
      title: t('duty.col.countdown'),
      key: 'countdown',
      width: 170,
      render: (_, c) => (c.duty ? <DutyCountdown duty={{ ...c.duty, overdueWorkingDays: null }} /> : '—'),
    },
    {
      title: t('duty.col.dueDate'),
      key: 'due',
      width: 150,
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <span>{date(c.duty?.dueDate ?? c.duty?.dueAt)}</span>
          {c.duty && c.duty.extensionCount > 0 && <Tag color="gold">{t('catalog.case.extended', { n: c.duty.extendedDays })}</Tag>}
        </Space>
      ),
    },
    { title: t('duty.col.source'), key: 'source', width: 150, render: (_, c) => <LawHint source={c.duty?.source ?? ART.update} /> },
  ];
  if (onExtend) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      render: (_, c) =>
        c.status === 'open' && c.duty?.status === 'open' && !c.duty.overdue && c.duty.extensionCount === 0 ? (
          <Button size="small" onClick={() => onExtend(c)} data-testid="case-extend">
            {t('catalog.extend.action')}
          </Button>
        ) : null,
    });
  }
  return <Table<CatalogUpdateCase> data-testid="update-cases" rowKey="id" size="small" columns={columns} dataSource={cases} pagination={false} scroll={{ x: 800 }} />;
}
