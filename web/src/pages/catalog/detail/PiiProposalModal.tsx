import { Alert, Button, Modal, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../api/client';
import type { FieldPiiProposal } from '../../../api/types';
import { useI18n } from '../../../i18n';
import { useAsync } from '../../../lib/useAsync';
import { errorText } from '../../../lib/errors';
import { useCatalogLabels } from '../labels';

const CONFIDENCE_COLOR = { certain: 'red', likely: 'orange', possible: 'default' } as const;

/**
 * 识别个人信息: each data item's kind of personal information proposed from a sample of the
 * entry's current data, beside the kind the catalog declares; "采用" hands the chosen kinds to
 * the edit form (`onAdopt`), where they are checked and saved as a draft.
 */
export function PiiProposalModal({
  entryId,
  entryName,
  open,
  editable,
  onClose,
  onAdopt,
}: {
  entryId: string;
  entryName: string;
  open: boolean;
  /** The latest version is a draft or returned: proposals can be adopted into it. */
  editable: boolean;
  onClose: () => void;
  onAdopt: (kinds: Record<string, string>) => void;
}) {
  const { t } = useI18n();
  const l = useCatalogLabels();
  const { data, error, loading } = useAsync(() => (open ? api.catalog.piiProposal(entryId) : Promise.resolve(null)), `${entryId}|${open}`);
  const differs = (f: FieldPiiProposal) => f.kind !== null && f.kind !== f.currentKind;
  const adoptable = (data?.fields ?? []).filter(differs);

  const columns: ColumnsType<FieldPiiProposal> = [
    {
      title: t('pii.detect.col.field'),
      key: 'field',
      render: (_, f) => (
        <Space direction="vertical" size={0}>
          <span>{f.label}</span>
          <Typography.Text type="secondary" className="mono">
            {f.name}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('pii.detect.col.current'), key: 'current', render: (_, f) => (f.currentKind ? l.pii(f.currentKind) : t('catalog.item.pii.none')) },
    {
      title: t('pii.detect.col.proposed'),
      key: 'proposed',
      render: (_, f) =>
        f.notLoaded ? (
          <Typography.Text type="secondary">{t('pii.detect.notLoaded')}</Typography.Text>
        ) : f.kind ? (
          <Tag color={differs(f) ? 'blue' : 'default'} data-testid={`pii-proposed-${f.name}`}>
            {l.pii(f.kind)}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('pii.detect.none')}</Typography.Text>
        ),
    },
    {
      title: t('pii.detect.col.share'),
      key: 'share',
      render: (_, f) => (f.sampled > 0 ? t('pii.detect.share', { share: `${Math.round(f.share * 100)}%`, matched: f.matched, sampled: f.sampled }) : '—'),
    },
    {
      title: t('pii.detect.col.confidence'),
      key: 'confidence',
      render: (_, f) => (f.confidence ? <Tag color={CONFIDENCE_COLOR[f.confidence]}>{t(`pii.detect.confidence.${f.confidence}`)}</Tag> : '—'),
    },
    {
      title: '',
      key: 'adopt',
      width: 110,
      render: (_, f) =>
        differs(f) ? (
          <Button size="small" type="link" disabled={!editable} onClick={() => onAdopt({ [f.name]: f.kind as string })} data-testid={`pii-adopt-${f.name}`}>
            {t('pii.detect.adopt')}
          </Button>
        ) : f.kind ? (
          <Typography.Text type="secondary">{t('pii.detect.same')}</Typography.Text>
        ) : null,
    },
  ];

  return (
    <Modal
      open={open}
      width={920}
      title={t('pii.detect.title', { name: entryName })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('pii.detect.close')}</Button>
          <Button
            type="primary"
            disabled={!editable || adoptable.length === 0}
            onClick={() => onAdopt(Object.fromEntries(adoptable.map((f) => [f.name, f.kind as string])))}
            data-testid="pii-adopt-all"
          >
            {t('pii.detect.adoptAll')}
          </Button>
        </Space>
      }
      data-testid="pii-proposal"
    >
      {loading && !data && (
        <div className="full-center" style={{ minHeight: 160 }}>
          <Spin />
        </div>
      )}
      {error && <Alert type="error" showIcon message={errorText(error, t)} />}
      {data && !data.dataVersion && <Alert type="info" showIcon message={t('pii.detect.noData')} data-testid="pii-no-data" />}
      {data?.dataVersion && (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('pii.detect.description', { version: data.dataVersion.versionNo, rows: data.dataVersion.rows, n: data.sampleSize })}
          </Typography.Paragraph>
          <Alert type={editable ? 'info' : 'warning'} showIcon message={editable ? t('pii.detect.adoptHint') : t('pii.detect.notEditable')} />
          <Table<FieldPiiProposal> rowKey="name" size="small" pagination={false} columns={columns} dataSource={data.fields} data-testid="pii-proposal-table" />
        </Space>
      )}
    </Modal>
  );
}
