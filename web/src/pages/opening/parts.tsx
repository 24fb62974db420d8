/** Small pieces shared by the portal pages: the open attribute tag, a dataset card, figures. */
import { Link } from 'react-router';
import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import { CloudDownloadOutlined, ApiOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { LawHint } from '../../components/LawHint';
import type { OpenAttr, OpenEntrySummary } from './api';

const ATTR_COLOR: Record<OpenAttr, string> = { unconditional: 'green', conditional: 'blue', none: 'default' };

/** 无条件开放 / 有条件开放, with the article it rests on (000 第十九、二十条). */
export function OpenAttrTag({ value, withLaw = false }: { value: OpenAttr; withLaw?: boolean }) {
  const { t } = useI18n();
  const tag = (
    <Tag color={ATTR_COLOR[value]} data-testid="open-attr-tag">
      {t(`portal.openAttr.${value}`)}
    </Tag>
  );
  if (!withLaw || value === 'none') return tag;
  return (
    <Space size={4}>
      {tag}
      <LawHint source={value === 'conditional' ? t('portal.openAttr.sourceConditional') : t('portal.openAttr.source')} />
    </Space>
  );
}

export function useNumber(): (n: number | null | undefined) => string {
  const { lang } = useI18n();
  const fmt = new Intl.NumberFormat(lang);
  return (n) => (n === null || n === undefined ? '—' : fmt.format(n));
}

export function datasetPath(code: string): string {
  return `/open/datasets/${encodeURIComponent(code)}`;
}

/** A titled list of datasets for the home page. */
export function DatasetCardList({ title, items, testId, moreTo }: { title: string; items: OpenEntrySummary[]; testId: string; moreTo: string }) {
  const { t, date } = useI18n();
  const num = useNumber();
  return (
    <Card
      title={<h2 className="portal-card-h2">{title}</h2>}
      extra={<Link to={moreTo}>{t('portal.home.more')}</Link>}
      data-testid={testId}
      className="portal-section"
      styles={{ body: { paddingTop: 4, paddingBottom: 4 } }}
    >
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portal.home.empty')} />
      ) : (
        <List
          dataSource={items}
          rowKey="id"
          renderItem={(e) => (
            <List.Item>
              <div style={{ width: '100%', minWidth: 0 }}>
                <Link to={datasetPath(e.code)} className="portal-card-title">
                  {e.name}
                </Link>
                <div className="portal-meta">
                  <Space size={[8, 0]} wrap>
                    <span>{e.provider.name}</span>
                    <OpenAttrTag value={e.openAttr} />
                    {e.updatedAt && <span>{t('portal.list.updated', { date: date(e.updatedAt) })}</span>}
                    <span>
                      <CloudDownloadOutlined /> {num(e.downloads)}
                    </span>
                    <span>
                      <ApiOutlined /> {num(e.apiCalls)}
                    </span>
                  </Space>
                </div>
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** A failed load, with the server's text. */
export function LoadError({ text }: { text: string }) {
  const { t } = useI18n();
  return <Typography.Text type="danger">{t('portal.loadFailed', { text })}</Typography.Text>;
}
