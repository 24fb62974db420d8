import type { ReactNode } from 'react';
import { Descriptions, Space, Tag, Tooltip, Typography } from 'antd';
import { BookOutlined } from '@ant-design/icons';
import type { CatalogEntryInput } from '../../api/types';
import { useI18n, type MessageKey } from '../../i18n';
import { useLawText } from '../../lib/law';
import { ASSESSMENTS, ATTR_COLOR, ATTRIBUTE_BASIS, GRADE_COLOR, type AttributeKey } from './vocab';
import { useCatalogLabels } from './labels';

/** What the attribute list needs: an entry version, or the wizard's values before saving. */
export type AttributesSource = Omit<CatalogEntryInput, 'provisionMethods' | 'updateFrequency' | 'assessments'> & {
  provisionMethods: readonly string[];
  updateFrequency: string;
  assessments?: Record<string, unknown>;
  code?: string;
  provider?: { name: string };
};

/** An attribute's Chinese name; hovering it shows the article it rests on. */
export function AttrLabel({ attr, title }: { attr: AttributeKey; title: MessageKey }) {
  const { t } = useI18n();
  const law = useLawText();
  return (
    <Tooltip title={t('law.basis', { text: law(ATTRIBUTE_BASIS[attr]) })}>
      <span className="law-hint" tabIndex={0} data-basis={ATTRIBUTE_BASIS[attr]}>
        {t(title)} <BookOutlined className="muted small" />
      </span>
    </Tooltip>
  );
}

const text = (v: unknown): string => (typeof v === 'string' && v.trim() ? v : '—');

/**
 * Every attribute 000 第六条 names, in Chinese, with the rule behind each one hover away. Used by
 * the entry page and by the wizard's last step.
 */
export function EntryAttributes({ entry, testId }: { entry: AttributesSource; testId?: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const assessments = (entry.assessments ?? {}) as Record<string, { done?: boolean; conclusion?: string; date?: string } | undefined>;
  const item = (attr: AttributeKey, title: MessageKey, value: ReactNode, span = 1) => (
    <Descriptions.Item key={attr} label={<AttrLabel attr={attr} title={title} />} span={span}>
      {value}
    </Descriptions.Item>
  );

  return (
    <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} data-testid={testId}>
      {entry.code !== undefined && item('code', 'catalog.field.code', <span className="mono">{entry.code}</span>)}
      {entry.provider && item('provider', 'catalog.field.provider', entry.provider.name)}
      {item('name', 'catalog.field.name', entry.name)}
      {item('category', 'catalog.field.category', text(entry.category))}
      {item('description', 'catalog.field.description', text(entry.description), 2)}
      {item('format', 'catalog.field.format', l.format(entry.format))}
      {item(
        'grade',
        'catalog.field.grade',
        <Tag color={GRADE_COLOR[entry.grade]}>{l.grade(entry.grade)}</Tag>,
      )}
      {item('shareAttr', 'catalog.field.shareAttr', <Tag color={ATTR_COLOR[entry.shareAttr]}>{l.attr('share', entry.shareAttr)}</Tag>)}
      {entry.shareAttr === 'conditional' &&
        item(
          'shareConditions',
          'catalog.field.shareConditions',
          <Space direction="vertical" size={0}>
            <span>{t('catalog.kv', { k: t('catalog.field.shareScope'), v: text(entry.shareConditions?.scope) })}</span>
            <span>{t('catalog.kv', { k: t('catalog.field.shareUsage'), v: text(entry.shareConditions?.usage) })}</span>
          </Space>,
        )}
      {entry.shareAttr === 'none' && item('noShareBasis', 'catalog.field.noShareBasis', text(entry.noShareBasis))}
      {item('openAttr', 'catalog.field.openAttr', <Tag color={ATTR_COLOR[entry.openAttr]}>{l.attr('open', entry.openAttr)}</Tag>)}
      {entry.openAttr === 'none' && item('notOpenReason', 'catalog.field.notOpenReason', l.notOpenReason(entry.notOpenReason))}
      {entry.openAttr === 'conditional' &&
        item(
          'openConditions',
          'catalog.field.openConditions',
          <Space direction="vertical" size={0}>
            <span>{text(entry.openConditions?.conditions)}</span>
            <Typography.Text type="secondary">
              {t('catalog.kv', { k: t('catalog.field.openUseRequirements'), v: text(entry.openConditions?.useRequirements) })}
            </Typography.Text>
          </Space>,
        )}
      {entry.openAttr !== 'none' &&
        item('openSafeguards', 'catalog.field.openSafeguards', l.list(entry.openSafeguards ?? [], l.safeguard))}
      {entry.openAttr !== 'none' && item('priorityAreas', 'catalog.field.priorityAreas', l.list(entry.priorityAreas ?? [], l.priority))}
      {item(
        'operationAttr',
        'catalog.field.operationAttr',
        <Tag color={entry.operationAttr ? 'green' : 'default'}>{l.operation(entry.operationAttr)}</Tag>,
      )}
      {item('provisionMethods', 'catalog.field.provisionMethods', l.list(entry.provisionMethods, l.method))}
      {item('updateFrequency', 'catalog.field.updateFrequency', l.frequency(entry.updateFrequency))}
      {item('usageConditions', 'catalog.field.usageConditions', text(entry.usageConditions), 2)}
      {item(
        'assessments',
        'catalog.field.assessments',
        <Space direction="vertical" size={0}>
          {ASSESSMENTS.map((a) => {
            const v = assessments[a];
            return (
              <span key={a}>
                {t('catalog.kv', { k: l.assessment(a), v: '' })}
                {v?.done ? (
                  <Typography.Text type="success">{t('catalog.assessment.recorded')}</Typography.Text>
                ) : (
                  <Typography.Text type="warning">{t('catalog.assessment.missing')}</Typography.Text>
                )}
                {v?.date ? ` · ${v.date}` : ''}
                {v?.conclusion ? ` · ${v.conclusion}` : ''}
              </span>
            );
          })}
        </Space>,
        2,
      )}
      {entry.changeNote && item('changeNote', 'catalog.field.changeNote', entry.changeNote, 2)}
    </Descriptions>
  );
}
