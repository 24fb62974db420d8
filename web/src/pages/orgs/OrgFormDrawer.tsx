import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Form, Input, Space } from 'antd';
import { api } from '../../api/client';
import type { Org } from '../../api/types';
import { useI18n } from '../../i18n';
import { applyFieldErrors, errorText } from '../../lib/errors';
import { upper, usccRule } from '../../lib/validators';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';
import { OrgSelect } from '../../components/OrgSelect';
import { RoleSelect } from '../../components/RoleSelect';

interface OrgFormValues {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string;
  roles: string[];
}

const FIELDS = ['name', 'uscc', 'regionCode', 'parentId', 'roles'] as const;

interface OrgFormDrawerProps {
  /** null: closed; 'new': create; an org: edit it. */
  target: Org | 'new' | null;
  /** Name of the edited org's parent, if the caller knows it. */
  parentName?: string;
  onClose: () => void;
  onSaved: (org: Org) => void;
}

/**
 * Creates or edits an org. The code and region identify the org and are fixed once it exists;
 * name, parent and roles can change.
 */
export function OrgFormDrawer({ target, parentName, onClose, onSaved }: OrgFormDrawerProps) {
  const { t } = useI18n();
  const [form] = Form.useForm<OrgFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = target !== null && target !== 'new' ? target : null;

  useEffect(() => setError(null), [target]);

  const initialValues: Partial<OrgFormValues> = editing
    ? {
        name: editing.name,
        uscc: editing.uscc ?? '',
        regionCode: editing.regionCode,
        parentId: editing.parentId ?? undefined,
        roles: editing.roles,
      }
    : { roles: [] };

  const onFinish = async (v: OrgFormValues) => {
    setSaving(true);
    setError(null);
    try {
      const saved = editing
        ? await api.orgs.update(editing.id, {
            name: v.name.trim(),
            roles: v.roles,
            ...(v.parentId ? { parentId: v.parentId } : editing.parentId ? { parentId: null } : {}),
          })
        : await api.orgs.create({
            name: v.name.trim(),
            uscc: v.uscc.trim().toUpperCase(),
            regionCode: v.regionCode,
            roles: v.roles,
            ...(v.parentId ? { parentId: v.parentId } : {}),
          });
      onSaved(saved);
    } catch (e) {
      applyFieldErrors(form, e, FIELDS);
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      width={560}
      destroyOnHidden
      title={editing ? t('org.edit.title', { name: editing.name }) : t('org.create.title')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="org-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<OrgFormValues>
        key={editing?.id ?? 'new'}
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={initialValues}
        preserve={false}
      >
        <Form.Item
          label={t('org.field.name')}
          name="name"
          rules={[{ required: true, whitespace: true, message: t('org.field.name.required') }]}
        >
          <Input placeholder={t('org.field.name.placeholder')} maxLength={100} />
        </Form.Item>
        <Form.Item
          label={t('field.uscc')}
          name="uscc"
          normalize={upper}
          extra={editing ? t('org.field.fixed') : t('field.uscc.extra')}
          rules={editing ? [] : [{ required: true, message: t('rule.uscc.required') }, usccRule(t)]}
        >
          <Input placeholder={t('field.uscc.placeholder')} maxLength={18} disabled={!!editing} className="mono" />
        </Form.Item>
        <Form.Item
          label={t('field.region')}
          name="regionCode"
          extra={editing ? t('org.field.fixed') : t('org.field.region.extra')}
          rules={editing ? [] : [{ required: true, message: t('rule.region.required') }]}
        >
          <RegionTreeSelect disabled={!!editing} />
        </Form.Item>
        <Form.Item label={t('org.field.parent')} name="parentId" extra={t('org.field.parent.extra')}>
          <OrgSelect
            valueLabel={parentName ?? (editing?.parentId ? t('org.field.parent.current') : undefined)}
            excludeIds={editing ? [editing.id] : []}
          />
        </Form.Item>
        <Form.Item
          label={t('org.field.roles')}
          name="roles"
          extra={t('org.field.roles.extra')}
          rules={[{ required: true, type: 'array', min: 1, message: t('org.field.roles.required') }]}
        >
          <RoleSelect kind="org" placeholder={t('org.field.roles.placeholder')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
