import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Table,
  Typography,
  type FormInstance,
  type FormListFieldData,
  type TableColumnsType,
} from 'antd';
import { DeleteOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { CatalogField } from '../../../api/types';
import { useI18n } from '../../../i18n';
import { LawHint } from '../../../components/LawHint';
import { ART, FIELD_TYPES, GRADES, PII_KINDS } from '../vocab';
import { useCatalogLabels } from '../labels';
import { FIELD_NAME_RE, proposeFields, type WizardValues } from './model';

/**
 * 数据项: an editable table of the entry's columns. A header row pasted from a spreadsheet
 * proposes the items, their types and personal-information kinds; items holding personal
 * information are handled as `important` unless downgraded with a reason.
 */
export function FieldsStep({ form }: { form: FormInstance<WizardValues> }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const [paste, setPaste] = useState('');
  const rows: Partial<CatalogField>[] = Form.useWatch('fields', form) ?? [];

  const propose = () => {
    const current: Partial<CatalogField>[] = form.getFieldValue('fields') ?? [];
    const kept = current.filter((f) => f && (f.name || f.label));
    const proposed = proposeFields(paste, kept.map((f) => f.name ?? ''));
    if (proposed.length === 0) return;
    form.setFieldValue('fields', [...kept, ...proposed]);
    setPaste('');
    void form.validateFields([['fields']]).catch(() => undefined);
  };

  const columns = (remove: (i: number) => void): TableColumnsType<FormListFieldData> => [
    {
      title: t('catalog.item.label'),
      key: 'label',
      width: 150,
      render: (_, f) => (
        <Form.Item name={[f.name, 'label']} rules={[{ required: true, whitespace: true, message: t('catalog.rule.item.label') }]} className="cell-item">
          <Input placeholder={t('catalog.item.label.placeholder')} data-testid={`field-label-${f.name}`} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.name'),
      key: 'name',
      width: 140,
      render: (_, f) => (
        <Form.Item
          name={[f.name, 'name']}
          className="cell-item"
          rules={[
            { required: true, message: t('catalog.rule.item.name') },
            { pattern: FIELD_NAME_RE, message: t('catalog.rule.item.namePattern') },
            ({ getFieldValue }) => ({
              validator: async (_, v: unknown) => {
                const all: Partial<CatalogField>[] = getFieldValue('fields') ?? [];
                if (v && all.filter((x) => x?.name === v).length > 1) throw new Error(t('catalog.rule.item.nameDuplicate'));
              },
            }),
          ]}
        >
          <Input placeholder="uscc" className="mono" data-testid={`field-name-${f.name}`} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.type'),
      key: 'type',
      width: 100,
      render: (_, f) => (
        <Form.Item name={[f.name, 'type']} className="cell-item" rules={[{ required: true, message: t('catalog.rule.item.type') }]}>
          <Select options={FIELD_TYPES.map((v) => ({ value: v, label: l.fieldType(v) }))} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.key'),
      key: 'key',
      width: 50,
      align: 'center',
      render: (_, f) => (
        <Form.Item name={[f.name, 'key']} valuePropName="checked" className="cell-item">
          <Checkbox aria-label={t('catalog.item.key')} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.required'),
      key: 'required',
      width: 50,
      align: 'center',
      render: (_, f) => (
        <Form.Item name={[f.name, 'required']} valuePropName="checked" className="cell-item">
          <Checkbox aria-label={t('catalog.item.required')} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.pii'),
      key: 'piiKind',
      width: 130,
      render: (_, f) => (
        <Form.Item name={[f.name, 'piiKind']} className="cell-item">
          <Select
            allowClear
            placeholder={t('catalog.item.pii.none')}
            options={PII_KINDS.map((v) => ({ value: v, label: l.pii(v) }))}
            onChange={(v: string | undefined) => {
              const s = form.getFieldValue(['fields', f.name, 'sensitivity']) as string | undefined;
              if (v && (!s || s === 'general')) form.setFieldValue(['fields', f.name, 'sensitivity'], 'important');
            }}
            data-testid={`field-pii-${f.name}`}
          />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.commercialSecret'),
      key: 'commercialSecret',
      width: 64,
      align: 'center',
      render: (_, f) => (
        <Form.Item name={[f.name, 'commercialSecret']} valuePropName="checked" className="cell-item">
          <Checkbox aria-label={t('catalog.item.commercialSecret')} />
        </Form.Item>
      ),
    },
    {
      title: t('catalog.item.sensitivity'),
      key: 'sensitivity',
      width: 170,
      render: (_, f) => {
        const row = rows[f.name];
        const downgraded = !!row?.piiKind && row.sensitivity === 'general';
        return (
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Form.Item name={[f.name, 'sensitivity']} className="cell-item">
              <Select allowClear placeholder={t('catalog.item.sensitivity.default')} options={GRADES.map((v) => ({ value: v, label: l.grade(v) }))} />
            </Form.Item>
            {downgraded && (
              <Form.Item
                name={[f.name, 'downgradeReason']}
                className="cell-item"
                rules={[{ required: true, whitespace: true, message: t('catalog.rule.item.downgradeReason') }]}
              >
                <Input placeholder={t('catalog.item.downgradeReason.placeholder')} />
              </Form.Item>
            )}
          </Space>
        );
      },
    },
    {
      title: '',
      key: 'remove',
      width: 44,
      render: (_, f) => <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('catalog.item.remove')} onClick={() => remove(f.name)} />,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        message={t('catalog.wizard.fields.intro')}
        description={<LawHint mode="line" source={ART.fields} />}
      />
      <Card size="small" title={t('catalog.wizard.paste.title')}>
        <Flex gap={8} align="flex-start" wrap>
          <Input.TextArea
            value={paste}
            onChange={(e) => setPaste(e.target.value)}
            rows={2}
            placeholder={t('catalog.wizard.paste.placeholder')}
            style={{ flex: 1, minWidth: 280 }}
            data-testid="fields-paste"
          />
          <Button icon={<ThunderboltOutlined />} onClick={propose} disabled={paste.trim() === ''} data-testid="fields-propose">
            {t('catalog.wizard.paste.propose')}
          </Button>
        </Flex>
        <Typography.Text type="secondary" className="small">
          {t('catalog.wizard.paste.extra')}
        </Typography.Text>
      </Card>
      <Form.List
        name="fields"
        rules={[
          {
            validator: async (_, v: unknown[] | undefined) => {
              if (!v || v.length === 0) throw new Error(t('catalog.rule.fields.required'));
            },
          },
        ]}
      >
        {(items, { add, remove }, { errors }) => (
          <>
            <Table<FormListFieldData>
              data-testid="fields-table"
              rowKey="key"
              size="small"
              columns={columns(remove)}
              dataSource={items}
              pagination={false}
              scroll={{ x: 900 }}
              locale={{ emptyText: t('catalog.wizard.fields.empty') }}
            />
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: 'string' })} block data-testid="fields-add">
              {t('catalog.item.add')}
            </Button>
            <Form.ErrorList errors={errors} />
            {rows.some((r) => r?.piiKind) && (
              <Typography.Text type="secondary" className="small">
                {t('catalog.wizard.fields.piiNote')}
              </Typography.Text>
            )}
          </>
        )}
      </Form.List>
    </Space>
  );
}
