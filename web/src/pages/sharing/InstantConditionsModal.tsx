/** 即时共享条件 (000 第十四条): the provider's conditions under which a request to one of its conditional entries is granted on signature. */
import { useEffect, useState } from 'react';
import { Alert, App, Checkbox, Form, Modal, Radio, Select, Space, Typography } from 'antd';
import { api } from '../../api/client';
import { useMe } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { ORG_ROLES } from '../../lib/roles';
import { LawHint } from '../../components/LawHint';
import { sharingApi } from './api';
import { ART_REQUEST } from './parts';

interface Values {
  requesterOrgIds: string[];
  requesterOrgRoles: string[];
  fieldMode: 'any' | 'limit';
  fields: string[];
}

export function InstantConditionsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const me = useMe();
  const { t, dateTime } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [entryId, setEntryId] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const entries = useAsync(
    () => (open ? api.catalog.search({ scope: 'published', provider: [me.org.id], shareAttr: ['conditional'], limit: 100 }) : Promise.resolve(undefined)),
    `${open}`,
  );
  const orgs = useAsync(() => (open ? api.orgs.list({ role: 'institution', limit: 500, offset: 0 }) : Promise.resolve(undefined)), `${open}`);
  const current = useAsync(() => (entryId ? sharingApi.instantConditions(entryId) : Promise.resolve(undefined)), entryId ?? '');
  const entry = entries.data?.items.find((e) => e.id === entryId);
  const fieldMode = Form.useWatch('fieldMode', form);

  useEffect(() => {
    const c = current.data;
    if (!c) return;
    form.setFieldsValue({ requesterOrgIds: c.requesterOrgIds, requesterOrgRoles: c.requesterOrgRoles, fieldMode: c.fields === null ? 'any' : 'limit', fields: c.fields ?? [] });
  }, [current.data, form]);

  const submit = async () => {
    if (!entryId) {
      setError(t('sharing.conditions.pickEntry'));
      return;
    }
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      await sharingApi.setInstantConditions({
        entryId,
        requesterOrgIds: v.requesterOrgIds ?? [],
        requesterOrgRoles: v.requesterOrgRoles ?? [],
        fields: v.fieldMode === 'limit' ? (v.fields ?? []) : null,
      });
      message.success(t('sharing.conditions.saved'));
      current.reload();
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['requesterOrgIds', 'requesterOrgRoles', 'fields']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={t('sharing.conditions.title')} onCancel={onClose} onOk={submit} confirmLoading={saving} okText={t('common.save')} okButtonProps={{ 'data-testid': 'conditions-save' }} width={720} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('sharing.conditions.description')} <LawHint source={ART_REQUEST} />
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} />}
        <Form form={form} layout="vertical" initialValues={{ requesterOrgIds: [], requesterOrgRoles: [], fieldMode: 'any', fields: [] }}>
          <Form.Item label={t('sharing.conditions.entry')} required>
            <Select
              value={entryId}
              onChange={(id: string) => {
                setEntryId(id);
                form.resetFields();
              }}
              loading={entries.loading}
              placeholder={t('sharing.conditions.pickEntry')}
              options={(entries.data?.items ?? []).map((e) => ({ value: e.id, label: `${e.name}（${e.code}）` }))}
              data-testid="conditions-entry"
            />
          </Form.Item>
          {entryId && current.data?.updatedAt && (
            <Typography.Text type="secondary">{t('sharing.conditions.updatedAt', { at: dateTime(current.data.updatedAt) })}</Typography.Text>
          )}
          {entryId && (
            <>
              <Form.Item name="requesterOrgIds" label={t('sharing.conditions.orgs')}>
                <Select
                  mode="multiple"
                  allowClear
                  optionFilterProp="label"
                  placeholder={t('sharing.conditions.orgs.placeholder')}
                  loading={orgs.loading}
                  options={(orgs.data?.items ?? []).filter((o) => o.id !== me.org.id).map((o) => ({ value: o.id, label: o.name }))}
                  data-testid="conditions-orgs"
                />
              </Form.Item>
              <Form.Item name="requesterOrgRoles" label={t('sharing.conditions.roles')}>
                <Select mode="multiple" allowClear options={ORG_ROLES.map((r) => ({ value: r, label: t(`role.org.${r}`) }))} />
              </Form.Item>
              <Form.Item name="fieldMode" label={t('sharing.conditions.fields')}>
                <Radio.Group
                  options={[
                    { value: 'any', label: t('sharing.conditions.anyFields') },
                    { value: 'limit', label: t('sharing.conditions.limitFields') },
                  ]}
                />
              </Form.Item>
              {fieldMode === 'limit' && entry && (
                <Form.Item name="fields" rules={[{ type: 'array', min: 1, required: true, message: t('sharing.fields.required') }]}>
                  <Checkbox.Group options={entry.fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))} />
                </Form.Item>
              )}
            </>
          )}
        </Form>
      </Space>
    </Modal>
  );
}
