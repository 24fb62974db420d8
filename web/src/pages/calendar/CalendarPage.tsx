import { useMemo, useState } from 'react';
import { Alert, Card, Col, Flex, Row, Select, Space, Spin, Typography } from 'antd';
import { api } from '../../api/client';
import type { CalendarDay } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useUrlState } from '../../lib/urlState';
import { todayInBeijing } from '../../lib/dates';
import { errorText } from '../../lib/errors';
import { PageHeader } from '../../components/PageHeader';
import { MonthGrid } from './MonthGrid';
import { DayEditModal } from './DayEditModal';
import { ImportYearCard } from './ImportYearCard';
import { WorkingDayCalculator } from './WorkingDayCalculator';

const MONTHS = Array.from({ length: 12 }, (_, i) => i);

/** 工作日历: statutory holidays and 调休 working days that every deadline is counted with. */
export function CalendarPage() {
  const { t } = useI18n();
  const today = todayInBeijing();
  const thisYear = Number(today.slice(0, 4));
  const [query, setQuery] = useUrlState(['year'] as const);
  const year = Number.parseInt(query.year ?? '', 10) || thisYear;
  const years = useAsync(() => api.calendar.years(), 'years');
  const days = useAsync(() => api.calendar.days(year), String(year));
  const [picked, setPicked] = useState<string | null>(null);

  const special = useMemo(() => new Map<string, CalendarDay>((days.data?.items ?? []).map((d) => [d.day, d])), [days.data]);
  const yearOptions = useMemo(() => {
    const known = (years.data?.items ?? []).map((y) => y.year);
    const all = new Set([...known, thisYear - 1, thisYear, thisYear + 1, year]);
    return [...all].sort((a, b) => a - b).map((y) => ({
      value: y,
      label: known.includes(y) ? t('calendar.year.covered', { year: y }) : t('calendar.year.uncovered', { year: y }),
    }));
  }, [years.data, thisYear, year, t]);

  const reload = () => {
    days.reload();
    years.reload();
  };

  const data = days.data?.year === year ? days.data : undefined;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <PageHeader
        title={t('page.calendar')}
        description={t('calendar.description')}
        extra={
          <Select
            value={year}
            options={yearOptions}
            onChange={(y: number) => setQuery({ year: y === thisYear ? undefined : y })}
            style={{ width: 200 }}
            data-testid="calendar-year"
          />
        }
      />
      {days.error && <Alert type="error" showIcon message={errorText(days.error, t)} />}
      {data &&
        (data.covered ? (
          <Alert type="success" showIcon message={t('calendar.covered', { year })} description={t('calendar.source', { source: data.source ?? '—' })} data-testid="calendar-coverage" />
        ) : (
          <Alert type="warning" showIcon message={t('calendar.uncovered', { year })} description={t('calendar.uncovered.advice')} data-testid="calendar-coverage" />
        ))}
      <Card
        title={t('calendar.grid.title', { year })}
        extra={
          <Flex gap={12} wrap className="cal-legend">
            <span><i className="cal-swatch cal-holiday" /> {t('calendar.kind.holiday')}</span>
            <span><i className="cal-swatch cal-workday" /> {t('calendar.kind.workday')}</span>
            <span><i className="cal-swatch cal-weekend" /> {t('calendar.legend.weekend')}</span>
          </Flex>
        }
      >
        <Typography.Paragraph type="secondary">{t('calendar.grid.hint')}</Typography.Paragraph>
        <Spin spinning={days.loading}>
          <Row gutter={[16, 16]} data-testid="calendar-grid">
            {MONTHS.map((m) => (
              <Col key={m} xs={24} sm={12} lg={8} xxl={6}>
                <MonthGrid year={year} month={m} special={special} today={today} onPick={setPicked} />
              </Col>
            ))}
          </Row>
        </Spin>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <WorkingDayCalculator />
        </Col>
        <Col xs={24} xl={12}>
          <ImportYearCard
            defaultYear={thisYear + 1}
            onImported={(y) => {
              setQuery({ year: y === thisYear ? undefined : y });
              reload();
            }}
          />
        </Col>
      </Row>
      <DayEditModal
        day={picked}
        current={picked ? special.get(picked) : undefined}
        onClose={() => setPicked(null)}
        onSaved={() => {
          setPicked(null);
          reload();
        }}
      />
    </Space>
  );
}
