import { useEffect, useState, type CSSProperties } from 'react';
import { TreeSelect } from 'antd';
import { loadRegions, regionTree, type RegionNode } from '../lib/regions';
import { useI18n } from '../i18n';
import { errorText } from '../lib/errors';

interface RegionTreeSelectProps {
  value?: string;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  id?: string;
}

/** Picks an administrative region (province → city → county), searchable by name. */
export function RegionTreeSelect({ value, onChange, placeholder, allowClear, disabled, style, id }: RegionTreeSelectProps) {
  const { t } = useI18n();
  const [tree, setTree] = useState<RegionNode[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    loadRegions()
      .then((regions) => current && setTree(regionTree(regions)))
      .catch((e: unknown) => current && setError(errorText(e, t)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [t]);

  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      treeData={tree}
      loading={loading}
      disabled={disabled}
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll={tree.length <= 1}
      allowClear={allowClear}
      placeholder={placeholder ?? t('region.placeholder')}
      notFoundContent={error ?? t('common.noMatch')}
      style={style ?? { width: '100%' }}
      popupMatchSelectWidth={false}
    />
  );
}
