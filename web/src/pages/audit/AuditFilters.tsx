import { useEffect } from 'react';
import { Button, Col, DatePicker, Form, Input, Row, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { SearchOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { dayToPicker, pickerDay } from '../../lib/dates';
import { OrgSelect } from '../../components/OrgSelect';

export interface AuditFilterValues {
  actor?: string;
  org?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  grantId?: string;
  /** Beijing calendar days, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

interface FormValues {
  actor?: string;
  org?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  grantId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const trimmed = (v: string | undefined) => v?.trim() || undefined;

/** Who, which org, what action, which object, when — applied together with 查询. */
export function AuditFilters({ values, onApply }: { values: AuditFilterValues; onApply: (v: AuditFilterValues) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    form.setFieldsValue({
      actor: values.actor,
      org: values.org,
      action: values.action,
      objectType: values.objectType,
      objectId: values.objectId,
      grantId: values.grantId,
      range: values.from || values.to ? [dayToPicker(values.from), dayToPicker(values.to)] : undefined,
    });
  }, [values, form]);

  const onFinish = (v: FormValues) => {
    onApply({
      actor: trimmed(v.actor),
      org: v.org || undefined,
      action: trimmed(v.action),
      objectType: trimmed(v.objectType),
      objectId: trimmed(v.objectId),
      grantId: trimmed(v.grantId),
      from: v.range?.[0] ? pickerDay(v.range[0]) : undefined,
      to: v.range?.[1] ? pickerDay(v.range[1]) : undefined,
    });
  };

  const reset = () => {
    form.resetFields();
    onApply({});
  };

  return (
    <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} className="filters">
      <Row gutter={16}>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.actor')} name="actor">
            <Input placeholder={t('audit.filter.actor.placeholder')} allowClear />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.org')} name="org">
            <OrgSelect placeholder={t('audit.filter.org.placeholder')} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.action')} name="action" extra={t('audit.filter.action.extra')}>
            <Input placeholder={t('audit.filter.action.placeholder')} allowClear />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.range')} name="range" extra={t('audit.filter.range.extra')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.objectType')} name="objectType">
            <Input placeholder={t('audit.filter.objectType.placeholder')} allowClear />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.objectId')} name="objectId">
            <Input placeholder={t('audit.filter.objectId.placeholder')} allowClear />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label={t('audit.filter.grantId')} name="grantId">
            <Input placeholder={t('audit.filter.grantId.placeholder')} allowClear />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Form.Item label=" " colon={false}>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.search')}
              </Button>
              <Button onClick={reset}>{t('common.reset')}</Button>
            </Space>
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}
