import { useState } from 'react';
import { Alert, App, Modal, Select, Space } from 'antd';
import { api } from '../../api/client';
import type { CatalogSearchItem } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { collectionsApi, type CollectionDetail } from './api';

/** 纳入目录: picks published catalog entries by search (several at once) and adds them to the collection. */
export function AddMembersModal({ open, collection, onClose, onSaved }: { open: boolean; collection: CollectionDetail; onClose: () => void; onSaved: (c: CollectionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<CatalogSearchItem[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const found = useAsync(() => api.catalog.search({ q: q || undefined, scope: 'published', limit: 20 }), `search:${q}`);
  const members = new Set(collection.members.map((m) => m.entryId));
  const options = [...picked, ...(found.data?.items ?? []).filter((i) => !picked.some((p) => p.id === i.id))]
    .filter((i) => !members.has(i.id))
    .map((i) => ({ value: i.id, label: `${i.name}（${i.provider.name}）` }));

  const submit = async () => {
    if (picked.length === 0) {
      setError(t('collections.addMembers.required'));
      return;
    }
    setSaving(true);
    setError(undefined);
    try {
      const saved = await collectionsApi.addMembers(
        collection.code,
        picked.map((p) => p.id),
      );
      message.success(t('collections.added', { n: picked.length }));
      setPicked([]);
      onSaved(saved);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={`${t('collections.addMembers')}：${collection.name}`} onCancel={onClose} onOk={submit} confirmLoading={saving} okText={t('common.save')} width={640} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <LawHint source="000 第十条" />
        {error && <Alert type="error" showIcon message={error} data-testid="collection-members-error" />}
        <Select<string[]>
          mode="multiple"
          showSearch
          filterOption={false}
          onSearch={setQ}
          loading={found.loading}
          style={{ width: '100%' }}
          placeholder={t('collections.addMembers.pick')}
          value={picked.map((p) => p.id)}
          options={options}
          onChange={(ids) => {
            const pool = [...picked, ...(found.data?.items ?? [])];
            setPicked(ids.map((id) => pool.find((p) => p.id === id)).filter((p): p is CatalogSearchItem => p !== undefined));
          }}
          data-testid="collection-entry-picker"
        />
      </Space>
    </Modal>
  );
}
