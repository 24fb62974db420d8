import { Space, Tag, Tooltip } from 'antd';
import { useI18n } from '../i18n';

export type RoleKind = 'org' | 'user';

/** The label of a role code in the reader's language, or the code itself if unknown. */
export function useRoleLabel() {
  const { tMaybe } = useI18n();
  return (kind: RoleKind, role: string) => tMaybe(`role.${kind}.${role}`) ?? role;
}

export function RoleTags({ kind, roles }: { kind: RoleKind; roles: readonly string[] }) {
  const label = useRoleLabel();
  if (roles.length === 0) return <span className="muted">—</span>;
  return (
    <Space size={[0, 4]} wrap>
      {roles.map((r) => (
        <Tooltip key={r} title={r}>
          <Tag color={kind === 'org' ? 'geekblue' : 'cyan'}>{label(kind, r)}</Tag>
        </Tooltip>
      ))}
    </Space>
  );
}
