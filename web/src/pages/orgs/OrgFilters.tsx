import { useEffect, useState } from 'react';
import { Button, Flex, Input } from 'antd';
import { useI18n } from '../../i18n';
import { RoleSelect } from '../../components/RoleSelect';
import { RegionTreeSelect } from '../../components/RegionTreeSelect';

export interface OrgFilterValues {
  q?: string;
  role?: string;
  region?: string;
}

interface OrgFiltersProps {
  values: OrgFilterValues;
  onChange: (patch: OrgFilterValues) => void;
  onReset: () => void;
}

/** Name/code search, org role and region; each change goes to the URL and back to page 1. */
export function OrgFilters({ values, onChange, onReset }: OrgFiltersProps) {
  const { t } = useI18n();
  const [text, setText] = useState(values.q ?? '');
  useEffect(() => setText(values.q ?? ''), [values.q]);

  return (
    <Flex gap={8} wrap className="filters">
      <Input.Search
        allowClear
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => onChange({ q: v.trim() || undefined })}
        placeholder={t('org.filter.q')}
        style={{ width: 280 }}
        data-testid="orgs-filter-q"
      />
      <RoleSelect
        kind="org"
        multiple={false}
        allowClear
        value={values.role}
        onChange={(v) => onChange({ role: typeof v === 'string' ? v : undefined })}
        placeholder={t('org.filter.role')}
        style={{ width: 220 }}
      />
      <RegionTreeSelect
        allowClear
        value={values.region}
        onChange={(v) => onChange({ region: v })}
        placeholder={t('org.filter.region')}
        style={{ width: 220 }}
      />
      <Button onClick={onReset}>{t('common.reset')}</Button>
    </Flex>
  );
}
