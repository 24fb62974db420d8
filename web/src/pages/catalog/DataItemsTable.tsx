import { Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import type { CatalogField } from '../../api/types';
import { useI18n } from '../../i18n';
import { GRADE_COLOR } from './vocab';
import { useCatalogLabels } from './labels';

/** The effective handling grade of a column: personal information is `important` unless downgraded. */
export function effectiveSensitivity(f: CatalogField) {
  return f.sensitivity ?? (f.piiKind ? 'important' : 'general');
}

/** 数据项: each column with its Chinese name, type, personal-information kind and sensitivity. */
export function DataItemsTable({ fields, testId }: { fields: CatalogField[]; testId?: string }) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const columns: TableColumnsType<CatalogField> = [
    { title: '#', key: 'n', width: 48, render: (_, __, i) => i + 1 },
    {
      title: t('catalog.item.label'),
      dataIndex: 'label',
      render: (v: string, f) => (
        <span>
          {f.key && (
            <Tooltip title={t('catalog.item.key')}>
              <KeyOutlined style={{ color: '#d48806', marginInlineEnd: 4 }} />
            </Tooltip>
          )}
          {v}
        </span>
      ),
    },
    { title: t('catalog.item.name'), dataIndex: 'name', width: 170, render: (v: string) => <span className="mono">{v}</span> },
    { title: t('catalog.item.type'), dataIndex: 'type', width: 100, render: (v: string) => l.fieldType(v) },
    { title: t('catalog.item.required'), dataIndex: 'required', width: 70, render: (v: boolean | undefined) => (v ? t('common.yes') : t('common.no')) },
    {
      title: t('catalog.item.pii'),
      dataIndex: 'piiKind',
      width: 140,
      render: (v: string | null | undefined, f) =>
        v || f.commercialSecret ? (
          <span>
            {v && <Tag color="magenta">{l.pii(v)}</Tag>}
            {f.commercialSecret && <Tag color="purple">{t('catalog.item.commercialSecret')}</Tag>}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      title: t('catalog.item.sensitivity'),
      key: 'sensitivity',
      width: 200,
      render: (_, f) => {
        const s = effectiveSensitivity(f);
        return (
          <span>
            <Tag color={GRADE_COLOR[s]}>{l.grade(s)}</Tag>
            {f.downgradeReason && (
              <Typography.Text type="secondary" className="small">
                {t('catalog.item.downgraded', { reason: f.downgradeReason })}
              </Typography.Text>
            )}
          </span>
        );
      },
    },
  ];
  return (
    <Table<CatalogField>
      data-testid={testId}
      rowKey="name"
      size="small"
      columns={columns}
      dataSource={fields}
      pagination={fields.length > 50 ? { pageSize: 50 } : false}
      scroll={{ x: 800 }}
    />
  );
}
