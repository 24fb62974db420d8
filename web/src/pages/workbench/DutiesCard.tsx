import { Card, Empty, Segmented, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { api } from '../../api/client';
import type { Duty } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { errorText } from '../../lib/errors';
import { DutyCountdown } from '../../components/DutyCountdown';
import { LawHint } from '../../components/LawHint';
import { CaseLink } from '../../components/CaseLink';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { sortDuties } from './sortDuties';

type DutyFilter = 'open' | 'overdue' | 'all';
const FILTERS: readonly DutyFilter[] = ['open', 'overdue', 'all'];

function dutyTone(d: Duty): Tone {
  if (d.status === 'met') return 'approved';
  if (d.status === 'cancelled') return 'draft';
  return d.overdue ? 'refused' : 'waiting';
}

/** 待办: the org's timed duties, soonest due first, overdue rows in red. */
export function DutiesCard() {
  const { t, tMaybe, date } = useI18n();
  const [query, setQuery] = useUrlState(['duties'] as const);
  const filter: DutyFilter = FILTERS.find((f) => f === query.duties) ?? 'open';
  const { data, error, loading } = useAsync(() => api.duties.list(filter), filter);
  const rows = data ? sortDuties(data.items) : [];

  const columns: TableColumnsType<Duty> = [
    {
      title: t('duty.col.title'),
      dataIndex: 'title',
      render: (_, d) => {
        const kind = tMaybe(`caseType.${d.caseType}`);
        return (
          <Space direction="vertical" size={0}>
            <CaseLink to={d.link}>{d.title}</CaseLink>
            {(kind || d.extensionCount > 0) && (
              <Space size={8}>
                {kind && (
                  <Typography.Text type="secondary" className="small">
                    {kind}
                  </Typography.Text>
                )}
                {d.extensionCount > 0 && <Tag color="gold">{t('duty.extended', { n: d.extensionCount })}</Tag>}
              </Space>
            )}
          </Space>
        );
      },
    },
    { title: t('duty.col.countdown'), key: 'countdown', width: 170, render: (_, d) => <DutyCountdown duty={d} /> },
    { title: t('duty.col.dueDate'), dataIndex: 'dueDate', width: 150, render: (_, d) => date(d.dueDate ?? d.dueAt) },
    { title: t('duty.col.startedAt'), dataIndex: 'startedAt', width: 150, responsive: ['lg'], render: (v: string) => date(v) },
    {
      title: t('duty.col.source'),
      dataIndex: 'source',
      width: 180,
      render: (_, d) => <LawHint source={d.source} text={d.sourceText} />,
    },
  ];
  if (filter === 'all') {
    columns.push({
      title: t('common.status'),
      key: 'status',
      width: 110,
      render: (_, d) => <StatusTag tone={dutyTone(d)}>{t(d.status === 'open' && d.overdue ? 'duty.status.overdue' : `duty.status.${d.status}`)}</StatusTag>,
    });
  }

  return (
    <Card
      title={t('workbench.duties')}
      extra={
        <Segmented<DutyFilter>
          value={filter}
          onChange={(v) => setQuery({ duties: v === 'open' ? undefined : v })}
          options={FILTERS.map((f) => ({ value: f, label: t(`workbench.filter.${f}`) }))}
        />
      }
    >
      <Table<Duty>
        data-testid="duties-table"
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        rowClassName={(d) => (d.status === 'open' && d.overdue ? 'row-overdue' : '')}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={error ? errorText(error, t) : t(filter === 'overdue' ? 'workbench.empty.overdue' : 'workbench.empty.duties')}
            />
          ),
        }}
      />
    </Card>
  );
}
