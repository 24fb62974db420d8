import { Space, Steps, Timeline, Typography } from 'antd';
import type { CatalogEntryDetail } from '../../../api/types';
import { useI18n } from '../../../i18n';

/**
 * Where this version stands: 编制草稿 → 报送审核（数据工作机构负责人签发）→ 审核 → 发布; a returned
 * version shows the review step in red.
 */
export function LifecycleSteps({ entry }: { entry: CatalogEntryDetail }) {
  const { t, dateTime } = useI18n();
  const s = entry.status;
  const current = s === 'draft' ? 0 : s === 'submitted' ? 2 : s === 'returned' ? 2 : 3;
  return (
    <Steps
      size="small"
      current={current}
      status={s === 'returned' ? 'error' : s === 'published' || s === 'superseded' ? 'finish' : 'process'}
      data-testid="entry-steps"
      items={[
        { title: t('catalog.step.draft'), description: dateTime(entry.createdAt) },
        { title: t('catalog.step.submit'), description: entry.submittedAt ? dateTime(entry.submittedAt) : t('catalog.step.submit.who') },
        { title: s === 'returned' ? t('catalog.step.returned') : t('catalog.step.review'), description: entry.reviewedAt ? dateTime(entry.reviewedAt) : t('catalog.step.review.who') },
        { title: t('catalog.step.published'), description: entry.publishedAt ? dateTime(entry.publishedAt) : undefined },
      ]}
    />
  );
}

interface Event {
  at: string;
  color: string;
  title: string;
  detail?: string;
  testId?: string;
}

/** 审核记录: who did what and when to each version — drafts, submissions, decisions with their comments. */
export function ReviewTimeline({ entry }: { entry: CatalogEntryDetail }) {
  const { t, dateTime } = useI18n();
  const events: Event[] = [];
  for (const v of entry.versions) {
    events.push({ at: v.createdAt, color: 'gray', title: t('catalog.timeline.created', { n: v.version }), detail: v.changeNote ?? undefined });
    if (v.submittedAt) events.push({ at: v.submittedAt, color: 'blue', title: t('catalog.timeline.submitted', { n: v.version }) });
  }
  for (const r of entry.reviews) {
    events.push({
      at: r.at,
      color: r.decision === 'approve' ? 'green' : 'red',
      title: t(r.decision === 'approve' ? 'catalog.timeline.approved' : 'catalog.timeline.returned', { n: r.version, who: r.reviewer.name, org: r.org.name }),
      detail: r.comment || undefined,
      testId: 'review-comment',
    });
  }
  for (const c of entry.updateCases) {
    events.push({ at: c.openedAt, color: 'orange', title: t('catalog.timeline.change', { kind: t(c.kind === 'law' ? 'catalog.change.law' : 'catalog.change.duties') }), detail: c.description });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return (
    <Timeline
      data-testid="review-timeline"
      items={events.map((e) => ({
        color: e.color,
        children: (
          <Space direction="vertical" size={0} data-testid={e.testId}>
            <Typography.Text>{e.title}</Typography.Text>
            {e.detail && <Typography.Text type="secondary">{e.detail}</Typography.Text>}
            <Typography.Text type="secondary" className="small">
              {dateTime(e.at)}
            </Typography.Text>
          </Space>
        ),
      }))}
    />
  );
}
