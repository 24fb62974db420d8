/**
 * Beside the editor: each granted view (entry name and code) and each column with its policy as a
 * coloured tag (explained in a tooltip), the group threshold and the differential-privacy budget
 * left. Clicking a view or column inserts its name, quoted where SQL needs it.
 */
import { Alert, Card, Empty, Space, Tag, Tooltip, Typography } from 'antd';
import { InfoCircleOutlined } from '@ant-design/icons';
import { useI18n, type MessageKey } from '../../i18n';
import { LawHint } from '../../components/LawHint';
import type { ColumnPolicy, SandboxViewInfo, UnavailableView } from './api';
import { quoteIdent } from './SqlEditor';

/** The article the sandbox rests on: 数据不离席、边界不可越 (the data stays, the boundary holds). */
export const ART_SANDBOX = '002 第二十三条';

/** One colour per policy: from open (green) to closed (grey). */
export const POLICY_COLOR: Record<ColumnPolicy, string> = {
  plain: 'green',
  group_key: 'blue',
  aggregate_only: 'gold',
  filter_only: 'orange',
  join_key: 'purple',
  hidden: 'default',
};

export function PolicyTag({ policy }: { policy: ColumnPolicy }) {
  const { t } = useI18n();
  return (
    <Tooltip title={t(`sandbox.policy.${policy}.hint` as MessageKey)}>
      <Tag color={POLICY_COLOR[policy]} data-testid="sandbox-policy" data-policy={policy} style={{ marginInlineEnd: 0 }}>
        {t(`sandbox.policy.${policy}` as MessageKey)}
      </Tag>
    </Tooltip>
  );
}

const fmtEps = (n: number) => String(Math.round(n * 1000) / 1000);

function ViewCard({ v, onInsert }: { v: SandboxViewInfo; onInsert: (text: string) => void }) {
  const { t, date } = useI18n();
  return (
    <div className="sandbox-view" data-testid="sandbox-view" data-view={v.name}>
      <Space direction="vertical" size={2} style={{ width: '100%' }}>
        <Typography.Text strong>{v.entryName ?? v.name}</Typography.Text>
        <Typography.Link className="mono" onClick={() => onInsert(quoteIdent(v.name))} data-testid="sandbox-view-name">
          {`"${v.name}"`}
        </Typography.Link>
        <Space size={[4, 4]} wrap>
          <Tooltip title={t('sandbox.view.threshold.hint', { n: v.minGroupSize })}>
            <Tag color="cyan" data-testid="sandbox-threshold">
              {t('sandbox.view.threshold', { n: v.minGroupSize })}
            </Tag>
          </Tooltip>
          {v.dp ? (
            <Tooltip title={t('sandbox.view.dp.hint', { per: fmtEps(v.dp.epsilonPerQuery) })}>
              <Tag color={v.dp.epsilonRemaining < v.dp.epsilonPerQuery ? 'red' : 'geekblue'} data-testid="sandbox-dp">
                {t('sandbox.view.dp', { left: fmtEps(v.dp.epsilonRemaining), budget: fmtEps(v.dp.epsilonBudget) })}
              </Tag>
            </Tooltip>
          ) : (
            <Tag data-testid="sandbox-dp">{t('sandbox.view.noDp')}</Tag>
          )}
          {v.releaseApproval && <Tag color="orange">{t('sandbox.view.releaseApproval')}</Tag>}
        </Space>
        {v.validUntil && (
          <Typography.Text type="secondary" className="small">
            {t('sandbox.view.validUntil', { date: date(v.validUntil) })}
          </Typography.Text>
        )}
      </Space>
      <ul className="sandbox-columns">
        {v.columns.map((c) => (
          <li key={c.name} data-testid="sandbox-column" data-column={c.name} data-policy={c.policy}>
            {c.policy === 'hidden' ? (
              <Typography.Text type="secondary" className="mono">
                {c.name}
              </Typography.Text>
            ) : (
              <Typography.Link className="mono" onClick={() => onInsert(quoteIdent(c.name))}>
                {c.name}
              </Typography.Link>
            )}
            <Typography.Text type="secondary" className="small sandbox-column-label" ellipsis>
              {c.label ?? ''}
            </Typography.Text>
            <PolicyTag policy={c.policy} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ViewsPanel({
  views,
  unavailable,
  loading,
  onInsert,
}: {
  views: SandboxViewInfo[] | undefined;
  unavailable: UnavailableView[];
  loading: boolean;
  onInsert: (text: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      loading={loading && !views}
      title={
        <Space size={6}>
          {t('sandbox.views.title')}
          <Tooltip title={t('sandbox.views.insertHint')}>
            <InfoCircleOutlined />
          </Tooltip>
        </Space>
      }
      extra={<LawHint source={ART_SANDBOX} />}
      data-testid="sandbox-views"
      styles={{ body: { maxHeight: 520, overflowY: 'auto' } }}
    >
      {views && views.length === 0 && unavailable.length === 0 ? (
        <Empty description={t('sandbox.noViews')} />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          {(views ?? []).map((v) => (
            <ViewCard key={v.name} v={v} onInsert={onInsert} />
          ))}
          {unavailable.map((u) => (
            <Alert
              key={u.grantId}
              type="warning"
              showIcon
              data-testid="sandbox-unavailable"
              message={`${u.name ?? u.code}（${u.code}）`}
              description={u.reason}
            />
          ))}
        </Space>
      )}
    </Card>
  );
}
