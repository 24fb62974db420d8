import { Card, Checkbox, Col, DatePicker, Form, Input, Radio, Row, Select, Space, Typography, type FormInstance } from 'antd';
import type { Dayjs } from 'dayjs';
import type { CatalogGrade, ProvisionMethod } from '../../../api/types';
import { useI18n, type MessageKey } from '../../../i18n';
import { dayToPicker, pickerDay } from '../../../lib/dates';
import { LawHint } from '../../../components/LawHint';
import { ART, ASSESSMENTS, GRADES, PRIORITY_AREAS, PROVISION_METHODS, UPDATE_FREQUENCIES } from '../vocab';
import { useCatalogLabels } from '../labels';
import type { WizardValues } from './model';

const METHOD_RULE: Record<ProvisionMethod, MessageKey> = {
  api: 'catalog.wizard.method.api',
  batch: 'catalog.wizard.method.batch',
  file: 'catalog.wizard.method.file',
  sandbox: 'catalog.wizard.method.sandbox',
};
const GRADE_RULE: Record<CatalogGrade, MessageKey> = {
  general: 'catalog.wizard.grade.general',
  important: 'catalog.wizard.grade.important',
  core: 'catalog.wizard.grade.core',
};

/**
 * 提供方式、更新频率、分级分类和评估: how the data is provided and how often it changes, its grade
 * (GB/T 43697), the priority areas of an open entry (000 第十八条), and the two assessments
 * recorded before submission (000 第六条).
 */
export function ProvisionStep({ form, isUpdate }: { form: FormInstance<WizardValues>; isUpdate: boolean }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const openAttr = Form.useWatch('openAttr', form);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('catalog.wizard.provision.title')} extra={<LawHint source={ART.fields} />}>
        <Form.Item
          label={t('catalog.field.provisionMethods')}
          name="provisionMethods"
          rules={[{ required: true, type: 'array', min: 1, message: t('catalog.rule.provisionMethods.required') }]}
        >
          <Checkbox.Group data-testid="provision-methods">
            <Space direction="vertical">
              {PROVISION_METHODS.map((m) => (
                <Checkbox key={m} value={m}>
                  <Typography.Text strong>{l.method(m)}</Typography.Text>
                  <Typography.Text type="secondary" className="small">
                    {' '}
                    — {t(METHOD_RULE[m])}
                  </Typography.Text>
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
        </Form.Item>
        <Form.Item
          label={t('catalog.field.updateFrequency')}
          name="updateFrequency"
          extra={t('catalog.wizard.frequency.extra')}
          rules={[{ required: true, message: t('catalog.rule.updateFrequency.required') }]}
        >
          <Select options={UPDATE_FREQUENCIES.map((f) => ({ value: f, label: l.frequency(f) }))} style={{ maxWidth: 240 }} data-testid="update-frequency" />
        </Form.Item>
        <Form.Item label={t('catalog.field.usageConditions')} name="usageConditions" extra={t('catalog.wizard.usageConditions.extra')}>
          <Input.TextArea rows={2} placeholder={t('catalog.wizard.usageConditions.placeholder')} />
        </Form.Item>
      </Card>

      <Card size="small" title={t('catalog.field.grade')} extra={<LawHint source={ART.grading} />}>
        <Form.Item
          name="grade"
          dependencies={['openAttr', 'operationAttr']}
          rules={[
            { required: true, message: t('catalog.rule.grade.required') },
            ({ getFieldValue }) => ({
              validator: async (_, v: unknown) => {
                if (v !== 'core') return;
                if (getFieldValue('openAttr') !== 'none') throw new Error(t('catalog.rule.core.open'));
                if (getFieldValue('operationAttr') === true) throw new Error(t('catalog.rule.core.operation'));
              },
            }),
          ]}
        >
          <Radio.Group data-testid="grade">
            <Space direction="vertical">
              {GRADES.map((g) => (
                <Radio key={g} value={g}>
                  <Typography.Text strong>{l.grade(g)}</Typography.Text>
                  <Typography.Text type="secondary" className="small">
                    {' '}
                    — {t(GRADE_RULE[g])}
                  </Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
      </Card>

      {openAttr && openAttr !== 'none' && (
        <Card size="small" title={t('catalog.field.priorityAreas')} extra={<LawHint source={ART.openList} />}>
          <Form.Item name="priorityAreas" extra={t('catalog.wizard.priority.extra')}>
            <Checkbox.Group options={PRIORITY_AREAS.map((p) => ({ value: p, label: l.priority(p) }))} />
          </Form.Item>
        </Card>
      )}

      <Card size="small" title={t('catalog.field.assessments')} extra={<LawHint source={ART.assessments} />}>
        <Typography.Paragraph type="secondary">{t('catalog.wizard.assessments.extra')}</Typography.Paragraph>
        <Row gutter={16}>
          {ASSESSMENTS.map((a) => (
            <Col xs={24} lg={12} key={a}>
              <Card size="small" type="inner" title={l.assessment(a)}>
                <Form.Item name={['assessments', a, 'done']} valuePropName="checked" style={{ marginBottom: 8 }}>
                  <Checkbox data-testid={`assessment-${a}`}>{t('catalog.assessment.done')}</Checkbox>
                </Form.Item>
                <Form.Item
                  label={t('catalog.assessment.date')}
                  name={['assessments', a, 'date']}
                  getValueProps={(v: string | undefined) => ({ value: dayToPicker(v) })}
                  normalize={(d: Dayjs | null) => (d ? pickerDay(d) : undefined)}
                >
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item label={t('catalog.assessment.by')} name={['assessments', a, 'by']}>
                  <Input placeholder={t('catalog.assessment.by.placeholder')} maxLength={100} />
                </Form.Item>
                <Form.Item
                  label={t('catalog.assessment.conclusion')}
                  name={['assessments', a, 'conclusion']}
                  dependencies={[['assessments', a, 'done']]}
                  style={{ marginBottom: 0 }}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: async (_, v: unknown) => {
                        const done: unknown = getFieldValue(['assessments', a, 'done']);
                        if (done && (typeof v !== 'string' || v.trim() === '')) throw new Error(t('catalog.rule.assessment.conclusion'));
                      },
                    }),
                  ]}
                >
                  <Input.TextArea
                    rows={2}
                    placeholder={t(a === 'secrecyRisk' ? 'catalog.assessment.secrecy.placeholder' : 'catalog.assessment.pii.placeholder')}
                    data-testid={`assessment-${a}-conclusion`}
                  />
                </Form.Item>
              </Card>
            </Col>
          ))}
        </Row>
      </Card>

      {isUpdate && (
        <Card size="small" title={t('catalog.field.changeNote')} extra={<LawHint source={ART.update} />}>
          <Form.Item name="changeNote" rules={[{ required: true, whitespace: true, message: t('catalog.rule.changeNote.required') }]}>
            <Input.TextArea rows={2} placeholder={t('catalog.wizard.changeNote.placeholder')} />
          </Form.Item>
        </Card>
      )}
    </Space>
  );
}
