import type { ReactNode } from 'react';
import { Alert, Card, Checkbox, Form, Input, Radio, Select, Space, Typography, type FormInstance, type FormRule } from 'antd';
import type { CatalogAttr } from '../../../api/types';
import { useI18n, type MessageKey } from '../../../i18n';
import { LawHint } from '../../../components/LawHint';
import { ART, ATTRS, NOT_OPEN_REASONS, OPEN_SAFEGUARDS } from '../vocab';
import { useCatalogLabels } from '../labels';
import { legalBasisProblem, protectedItems, safeguardProblem, type WizardValues } from './model';


function Option({ title, rule, testId }: { title: string; rule: ReactNode; testId?: string }) {
  return (
    <Space direction="vertical" size={0} data-testid={testId}>
      <Typography.Text strong>{title}</Typography.Text>
      <Typography.Text type="secondary" className="small">
        {rule}
      </Typography.Text>
    </Space>
  );
}

const SHARE_RULE: Record<CatalogAttr, MessageKey> = {
  unconditional: 'catalog.wizard.share.unconditional',
  conditional: 'catalog.wizard.share.conditional',
  none: 'catalog.wizard.share.none',
};
const OPEN_RULE: Record<CatalogAttr, MessageKey> = {
  unconditional: 'catalog.wizard.open.unconditional',
  conditional: 'catalog.wizard.open.conditional',
  none: 'catalog.wizard.open.none',
};

/**
 * 共享、开放和授权运营属性: each option says the rule it carries, and the fields a choice
 * requires appear under it (000 第十三、十八、十九、二十七条; core data is never open or operated).
 */
export function AttributesStep({ form }: { form: FormInstance<WizardValues> }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const shareAttr = Form.useWatch('shareAttr', form);
  const openAttr = Form.useWatch('openAttr', form);
  const fields = Form.useWatch('fields', form);
  const grade = Form.useWatch('grade', form);
  const items = protectedItems(fields);
  const personal = items.pii || items.secret;

  const notCore = (key: MessageKey): FormRule => ({ getFieldValue }) => ({
    validator: async (_, v: unknown) => {
      if (getFieldValue('grade') === 'core' && v !== 'none' && v !== false) throw new Error(t(key));
    },
  });

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('catalog.field.shareAttr')} extra={<LawHint source={ART.shareAttr} />}>
        <Form.Item name="shareAttr" rules={[{ required: true, message: t('catalog.rule.shareAttr.required') }]}>
          <Radio.Group data-testid="share-attr">
            <Space direction="vertical">
              {ATTRS.map((a) => (
                <Radio key={a} value={a}>
                  <Option title={l.attr('share', a)} rule={t(SHARE_RULE[a])} testId={`share-attr-${a}`} />
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {shareAttr === 'conditional' && (
          <>
            <Form.Item
              label={t('catalog.field.shareScope')}
              name={['shareConditions', 'scope']}
              extra={<LawHint mode="line" source={ART.shareAttr} />}
              rules={[{ required: true, whitespace: true, message: t('catalog.rule.shareScope.required') }]}
            >
              <Input placeholder={t('catalog.wizard.shareScope.placeholder')} data-testid="share-scope" />
            </Form.Item>
            <Form.Item
              label={t('catalog.field.shareUsage')}
              name={['shareConditions', 'usage']}
              rules={[{ required: true, whitespace: true, message: t('catalog.rule.shareUsage.required') }]}
            >
              <Input.TextArea rows={2} placeholder={t('catalog.wizard.shareUsage.placeholder')} data-testid="share-usage" />
            </Form.Item>
          </>
        )}
        {shareAttr === 'none' && (
          <Form.Item
            label={t('catalog.field.noShareBasis')}
            name="noShareBasis"
            required
            extra={
              <>
                {t('catalog.wizard.noShareBasis.extra')}
                <LawHint mode="line" source={`${ART.shareAttr}; ${ART.negativeList}`} />
              </>
            }
            rules={[
              {
                validator: async (_, v: unknown) => {
                  const problem = legalBasisProblem(typeof v === 'string' ? v : '');
                  if (!problem) return;
                  if (problem.kind === 'blank') throw new Error(t('catalog.rule.noShareBasis.required'));
                  if (problem.kind === 'local') {
                    throw new Error(t('catalog.rule.noShareBasis.local', { titles: problem.titles.map((x) => `《${x}》`).join(t('common.listSep')) }));
                  }
                  throw new Error(t('catalog.rule.noShareBasis.untitled'));
                },
              },
            ]}
          >
            <Input.TextArea rows={2} placeholder={t('catalog.wizard.noShareBasis.placeholder')} data-testid="no-share-basis" />
          </Form.Item>
        )}
      </Card>

      <Card size="small" title={t('catalog.field.openAttr')} extra={<LawHint source={`${ART.openList}; ${ART.notOpen}`} />}>
        <Form.Item
          name="openAttr"
          dependencies={['grade']}
          rules={[{ required: true, message: t('catalog.rule.openAttr.required') }, notCore('catalog.rule.core.open')]}
        >
          <Radio.Group data-testid="open-attr">
            <Space direction="vertical">
              {ATTRS.map((a) => (
                <Radio key={a} value={a} disabled={grade === 'core' && a !== 'none'}>
                  <Option title={l.attr('open', a)} rule={t(OPEN_RULE[a])} testId={`open-attr-${a}`} />
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {openAttr === 'conditional' && (
          <>
            <Form.Item
              label={t('catalog.field.openConditions')}
              name={['openConditions', 'conditions']}
              rules={[{ required: true, whitespace: true, message: t('catalog.rule.openConditions.required') }]}
            >
              <Input.TextArea rows={2} placeholder={t('catalog.wizard.openConditions.placeholder')} />
            </Form.Item>
            <Form.Item
              label={t('catalog.field.openUseRequirements')}
              name={['openConditions', 'useRequirements']}
              rules={[{ required: true, whitespace: true, message: t('catalog.rule.openUse.required') }]}
            >
              <Input.TextArea rows={2} placeholder={t('catalog.wizard.openUse.placeholder')} />
            </Form.Item>
          </>
        )}
        {openAttr && openAttr !== 'none' && personal && (
          <Form.Item
            label={t('catalog.field.openSafeguards')}
            name="openSafeguards"
            extra={<LawHint mode="line" source={ART.notOpen} />}
            dependencies={['fields']}
            rules={[
              {
                validator: async (_, v: string[] | undefined) => {
                  const problem = safeguardProblem(items, v);
                  if (problem === 'pii') throw new Error(t('catalog.rule.openSafeguards.pii'));
                  if (problem === 'secret') throw new Error(t('catalog.rule.openSafeguards.secret'));
                },
              },
            ]}
          >
            <Checkbox.Group options={OPEN_SAFEGUARDS.map((s) => ({ value: s, label: l.safeguard(s) }))} data-testid="open-safeguards" />
          </Form.Item>
        )}
        {openAttr && openAttr !== 'none' && personal && (
          <Alert type="warning" showIcon message={t('catalog.wizard.open.personal')} style={{ marginBottom: 16 }} />
        )}
        {openAttr === 'none' && (
          <Form.Item
            label={t('catalog.field.notOpenReason')}
            name="notOpenReason"
            extra={<LawHint mode="line" source={ART.notOpen} />}
            rules={[{ required: true, message: t('catalog.rule.notOpenReason.required') }]}
          >
            <Select
              placeholder={t('catalog.wizard.notOpenReason.placeholder')}
              options={NOT_OPEN_REASONS.map((r) => ({ value: r, label: l.notOpenReason(r) }))}
              style={{ maxWidth: 420 }}
              data-testid="not-open-reason"
            />
          </Form.Item>
        )}
      </Card>

      <Card size="small" title={t('catalog.field.operationAttr')} extra={<LawHint source={`${ART.operationScope}; ${ART.operationList}`} />}>
        <Form.Item name="operationAttr" dependencies={['grade']} rules={[notCore('catalog.rule.core.operation')]}>
          <Radio.Group data-testid="operation-attr">
            <Space direction="vertical">
              <Radio value={true} disabled={grade === 'core'}>
                <Option title={l.operation(true)} rule={t('catalog.wizard.operation.true')} testId="operation-attr-true" />
              </Radio>
              <Radio value={false}>
                <Option title={l.operation(false)} rule={t('catalog.wizard.operation.false')} testId="operation-attr-false" />
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
      </Card>
    </Space>
  );
}
