import { useEffect, useState } from 'react';
import { Alert, App, Form, Input, Modal, Radio, Select, Space, Tag } from 'antd';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { useAsync } from '../../lib/useAsync';
import { collectionsApi, type CollectionDetail, type CollectionKind } from './api';

const CODE_RE = /^[a-z][a-z0-9-]{1,47}$/;

interface FormValues {
  code: string;
  kind: CollectionKind;
  name: string;
  description?: string;
}

/** Creates a base or theme database, or edits one (`editing`): code and kind are fixed once created. */
export function CollectionFormModal({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing?: CollectionDetail;
  onClose: () => void;
  onSaved: (c: CollectionDetail) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [leads, setLeads] = useState<Array<{ id: string; name: string }>>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    setError(undefined);
    setLeads(editing?.leads ?? []);
    form.setFieldsValue(editing ? { code: editing.code, kind: editing.kind, name: editing.name, description: editing.description } : { code: '', kind: 'base', name: '', description: '' });
  }, [open, editing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(undefined);
    try {
      const leadOrgIds = leads.map((l) => l.id);
      const saved = editing
        ? await collectionsApi.update(editing.code, { name: v.name, description: v.description ?? '', leadOrgIds })
        : await collectionsApi.create({ code: v.code, kind: v.kind, name: v.name, description: v.description ?? '', leadOrgIds });
      message.success(t('collections.saved'));
      onSaved(saved);
    } catch (e) {
      setError(errorText(e, t));
      applyFieldErrors(form, e, ['code', 'name', 'kind', 'description']);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? `${t('collections.edit')}：${editing.name}` : t('collections.create')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={saving}
      okText={t('common.save')}
      width={600}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="collection-form-error" />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="code"
          label={t('collections.form.code')}
          extra={t('collections.form.code.extra')}
          rules={[
            { required: true, message: t('collections.form.code.required') },
            { pattern: CODE_RE, message: t('collections.form.code.invalid') },
          ]}
        >
          <Input disabled={Boolean(editing)} data-testid="collection-code" />
        </Form.Item>
        <Form.Item name="kind" label={t('collections.form.kind')} rules={[{ required: true }]}>
          <Radio.Group disabled={Boolean(editing)}>
            <Radio value="base">{t('collections.kind.base')}</Radio>
            <Radio value="theme">{t('collections.kind.theme')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="name" label={t('collections.form.name')} rules={[{ required: true, whitespace: true, message: t('collections.form.name.required') }]}>
          <Input maxLength={100} data-testid="collection-name" />
        </Form.Item>
        <Form.Item name="description" label={t('collections.form.description')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item label={t('collections.form.leads')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {leads.length > 0 && (
              <Space size={[4, 8]} wrap>
                {leads.map((l) => (
                  <Tag key={l.id} closable onClose={() => setLeads((ls) => ls.filter((x) => x.id !== l.id))}>
                    {l.name}
                  </Tag>
                ))}
              </Space>
            )}
            <LeadPicker excludeIds={leads.map((l) => l.id)} onPick={(l) => setLeads((ls) => [...ls, l])} />
          </Space>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Adds one lead department at a time: a search over the orgs that clears once one is chosen. */
function LeadPicker({ excludeIds, onPick }: { excludeIds: string[]; onPick: (org: { id: string; name: string }) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useAsync(() => api.orgs.list({ q: q || undefined, limit: 20, offset: 0 }), `orgs:${q}`);
  const options = (found.data?.items ?? []).filter((o) => !excludeIds.includes(o.id)).map((o) => ({ value: o.id, label: o.name }));
  return (
    <Select<string>
      showSearch
      value={null}
      filterOption={false}
      onSearch={setQ}
      loading={found.loading}
      placeholder={t('collections.form.addLead')}
      options={options}
      onChange={(id) => {
        const o = found.data?.items.find((x) => x.id === id);
        if (o) onPick({ id: o.id, name: o.name });
        setQ('');
      }}
      data-testid="collection-lead-picker"
    />
  );
}
