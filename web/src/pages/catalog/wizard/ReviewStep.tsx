import { Alert, Card, Space } from 'antd';
import type { CatalogEntryInput } from '../../../api/types';
import { useI18n } from '../../../i18n';
import { LawHint } from '../../../components/LawHint';
import { EntryAttributes } from '../EntryAttributes';
import { DataItemsTable } from '../DataItemsTable';
import { ART, ASSESSMENTS } from '../vocab';
import { useCatalogLabels } from '../labels';

/** 核对并保存: the entry as it will be saved, and what must still be done before it can be submitted. */
export function ReviewStep({ input, providerName }: { input: CatalogEntryInput; providerName: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const missing = ASSESSMENTS.filter((a) => !input.assessments?.[a]?.done);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon message={t('catalog.wizard.review.intro')} />
      {missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('catalog.wizard.review.assessmentsMissing', { list: l.list(missing, l.assessment) })}
          description={<LawHint mode="line" source={ART.assessments} />}
          data-testid="review-missing-assessments"
        />
      )}
      <EntryAttributes entry={{ ...input, provider: { name: providerName } }} testId="review-attributes" />
      <Card size="small" title={t('catalog.detail.items', { n: input.fields.length })}>
        <DataItemsTable fields={input.fields} testId="review-fields" />
      </Card>
    </Space>
  );
}
