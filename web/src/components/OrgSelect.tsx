import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { Select, Spin } from 'antd';
import { api } from '../api/client';
import type { Org } from '../api/types';
import { useI18n } from '../i18n';
import { errorText } from '../lib/errors';

interface OrgSelectProps {
  value?: string;
  onChange?: (orgId: string | undefined) => void;
  /** Shown for the current value before the search has found it (e.g. the parent's name). */
  valueLabel?: string;
  /** Orgs that may not be chosen (an org cannot be its own parent). */
  excludeIds?: readonly string[];
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  id?: string;
}

/** Finds an org by name on the server (20 at a time) and yields its id. */
export function OrgSelect({ value, onChange, valueLabel, excludeIds = [], placeholder, allowClear = true, disabled, style, id }: OrgSelectProps) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    const timer = setTimeout(() => {
      api.orgs
        .list({ q: query || undefined, limit: 20, offset: 0 })
        .then((r) => {
          if (mine !== seq.current) return;
          setOrgs(r.items);
          setError(null);
        })
        .catch((e: unknown) => mine === seq.current && setError(errorText(e, t)))
        .finally(() => mine === seq.current && setLoading(false));
    }, query ? 300 : 0);
    return () => clearTimeout(timer);
  }, [query, t]);

  const options = orgs
    .filter((o) => !excludeIds.includes(o.id))
    .map((o) => ({ value: o.id, label: `${o.name}${o.regionName ? ` · ${o.regionName}` : ''}` }));
  if (value && !options.some((o) => o.value === value)) {
    options.unshift({ value, label: valueLabel ?? value });
  }

  return (
    <Select
      id={id}
      showSearch
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      onSearch={setQuery}
      filterOption={false}
      options={options}
      allowClear={allowClear}
      disabled={disabled}
      placeholder={placeholder ?? t('org.select.placeholder')}
      notFoundContent={loading ? <Spin size="small" /> : (error ?? t('common.noMatch'))}
      style={style ?? { width: '100%' }}
      onClear={() => setQuery('')}
    />
  );
}
