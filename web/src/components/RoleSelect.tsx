import type { CSSProperties } from 'react';
import { Select } from 'antd';
import { ORG_ROLES, USER_ROLES } from '../lib/roles';
import { useRoleLabel, type RoleKind } from './RoleTags';

interface RoleSelectProps {
  kind: RoleKind;
  value?: string[] | string;
  onChange?: (value: string[] | string | undefined) => void;
  multiple?: boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  id?: string;
}

/** Chooses org roles or user roles by their Chinese names; the value is the role code. */
export function RoleSelect({ kind, value, onChange, multiple = true, placeholder, allowClear, style, id }: RoleSelectProps) {
  const label = useRoleLabel();
  const roles = kind === 'org' ? ORG_ROLES : USER_ROLES;
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      value={value}
      onChange={(v: string[] | string | undefined) => onChange?.(v)}
      placeholder={placeholder}
      allowClear={allowClear}
      style={style}
      optionFilterProp="label"
      options={roles.map((r) => ({ value: r, label: label(kind, r) }))}
    />
  );
}
