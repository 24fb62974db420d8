/** `/open`: the portal's home — a big search box, usage figures, featured, newest and popular datasets, domains. */
import { Link } from 'react-router';
import { Card, Col, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { errorText } from '../../lib/errors';
import { openApi } from './api';
import { PortalSearch } from './PortalLayout';
import { DatasetCardList, LoadError, useNumber } from './parts';
import { usePageMeta } from './meta';

export function PortalHomePage() {
  const { t } = useI18n();
  const num = useNumber();
  const { data, error, loading } = useAsync(() => openApi.stats(), 'stats');
  usePageMeta(`${t('portal.brand')} · ${t('portal.tagline')}`, t('portal.meta.home'));

  const figures = [
    { key: 'datasets', title: t('portal.home.datasets'), value: data?.datasets },
    { key: 'providers', title: t('portal.home.providers'), value: data?.providers },
    { key: 'downloads', title: t('portal.home.downloads'), value: data?.downloads },
    { key: 'apiCalls', title: t('portal.home.apiCalls'), value: data?.apiCalls },
  ];

  return (
    <div data-testid="portal-home">
      <section className="portal-hero">
        <Typography.Title level={1}>{t('portal.home.title')}</Typography.Title>
        <Typography.Paragraph>{t('portal.home.subtitle')}</Typography.Paragraph>
        <div className="portal-hero-search">
          <PortalSearch size="large" testId="portal-home-search" />
        </div>
      </section>

      <section className="portal-section" aria-labelledby="portal-figures">
        <Typography.Title level={2} id="portal-figures" className="visually-hidden-title">
          {t('portal.home.figures')}
        </Typography.Title>
        <Row gutter={[12, 12]} data-testid="portal-figures">
          {figures.map((f) => (
            <Col xs={12} md={6} key={f.key}>
              <Card size="small">
                <Statistic className="portal-stat" title={f.title} value={f.value === undefined ? '—' : num(f.value)} loading={loading && !data} />
              </Card>
            </Col>
          ))}
        </Row>
      </section>

      {error && <LoadError text={errorText(error, t)} />}
      {loading && !data ? (
        <Skeleton active />
      ) : (
        data && (
          <>
            <Row gutter={[16, 0]}>
              <Col xs={24} lg={12}>
                <DatasetCardList title={t('portal.home.featured')} items={data.featured} testId="portal-featured" moreTo="/open/datasets" />
              </Col>
              <Col xs={24} lg={12}>
                <DatasetCardList title={t('portal.home.newest')} items={data.newest} testId="portal-newest" moreTo="/open/datasets?sort=newest" />
              </Col>
              <Col xs={24} lg={12}>
                <DatasetCardList title={t('portal.home.popular')} items={data.popular} testId="portal-popular" moreTo="/open/datasets?sort=popular" />
              </Col>
              <Col xs={24} lg={12}>
                <Card title={<h2 className="portal-card-h2">{t('portal.home.domains')}</h2>} className="portal-section" data-testid="portal-domains">
                  <Space size={[8, 8]} wrap>
                    {data.domains.map((d) => (
                      <Link key={d.value} to={`/open/datasets?domain=${encodeURIComponent(d.value)}`}>
                        <Tag className="portal-domain" color="blue" style={{ display: 'inline-flex', alignItems: 'center', fontSize: 14 }}>
                          {d.label} ({num(d.count)})
                        </Tag>
                      </Link>
                    ))}
                  </Space>
                </Card>
              </Col>
            </Row>
          </>
        )
      )}
    </div>
  );
}
