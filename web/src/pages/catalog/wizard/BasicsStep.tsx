import { AutoComplete, Form, Input, Select } from 'antd';
import { useI18n } from '../../../i18n';
import { LawHint } from '../../../components/LawHint';
import { ART, CATEGORIES, FORMATS } from '../vocab';
import { useCatalogLabels } from '../labels';

/** 基本信息: what the data is, who holds it (the signed-in org), its format and category (000 第六条). */
export function BasicsStep({ providerName }: { providerName: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  return (
    <>
      <Form.Item label={t('catalog.field.provider')} extra={t('catalog.wizard.provider.extra')}>
        <Input value={providerName} disabled />
      </Form.Item>
      <Form.Item
        label={t('catalog.field.name')}
        name="name"
        extra={t('catalog.wizard.name.extra')}
        rules={[
          { required: true, whitespace: true, message: t('catalog.rule.name.required') },
          { max: 100, message: t('catalog.rule.name.max') },
        ]}
      >
        <Input placeholder={t('catalog.wizard.name.placeholder')} maxLength={100} showCount data-testid="entry-name" />
      </Form.Item>
      <Form.Item
        label={t('catalog.field.description')}
        name="description"
        extra={t('catalog.wizard.description.extra')}
        rules={[{ required: true, whitespace: true, message: t('catalog.rule.description.required') }]}
      >
        <Input.TextArea rows={3} placeholder={t('catalog.wizard.description.placeholder')} maxLength={2000} data-testid="entry-description" />
      </Form.Item>
      <Form.Item label={t('catalog.field.format')} name="format" rules={[{ required: true, message: t('catalog.rule.format.required') }]}>
        <Select options={FORMATS.map((f) => ({ value: f, label: l.format(f) }))} style={{ maxWidth: 320 }} />
      </Form.Item>
      <Form.Item
        label={t('catalog.field.category')}
        name="category"
        extra={
          <>
            {t('catalog.wizard.category.extra')}
            <LawHint mode="line" source={ART.fields} />
          </>
        }
        rules={[{ required: true, whitespace: true, message: t('catalog.rule.category.required') }]}
      >
        <AutoComplete
          options={CATEGORIES.map((c) => ({ value: c }))}
          placeholder={t('catalog.wizard.category.placeholder')}
          filterOption={(input, option) => (option?.value ?? '').includes(input)}
          style={{ maxWidth: 320 }}
          data-testid="entry-category"
        />
      </Form.Item>
    </>
  );
}
