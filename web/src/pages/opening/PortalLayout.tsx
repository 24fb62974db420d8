/**
 * The frame of the public open data portal (no login needed): 公数 开放平台 logo, search box, links
 * to the catalog, demands, report and sign-in (or the visitor's applications), and a footer.
 * On a phone the links move into a drawer behind a menu button.
 */
import { useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Button, Drawer, Grid, Input, Layout, Space, Typography } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import './portal.css';

/** The search box of the header (and the home page): it opens the catalog with `q`. */
export function PortalSearch({ size = 'middle', testId = 'portal-search' }: { size?: 'middle' | 'large'; testId?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const current = location.pathname === '/open/datasets' ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  const [seen, setSeen] = useState(current);
  if (seen !== current) {
    // The URL changed under us (back button, facet link): show its query.
    setSeen(current);
    setValue(current);
  }
  return (
    <div data-testid={testId}>
      <Input.Search
        size={size}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={t('portal.search.placeholder')}
        enterButton={t('portal.search.button')}
        allowClear
        aria-label={t('portal.search.placeholder')}
        onSearch={(q) => {
          const next = new URLSearchParams();
          if (q.trim()) next.set('q', q.trim());
          const qs = next.toString();
          navigate(qs ? `/open/datasets?${qs}` : '/open/datasets');
        }}
      />
    </div>
  );
}

interface NavItem {
  to: string;
  label: string;
  testId: string;
}

export function PortalLayout() {
  const { t } = useI18n();
  const { me } = useAuth();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [menuOpen, setMenuOpen] = useState(false);
  const [menuPath, setMenuPath] = useState(location.pathname);
  if (menuPath !== location.pathname) {
    // A link in the drawer was followed: close it.
    setMenuPath(location.pathname);
    setMenuOpen(false);
  }

  const isPublic = me ? me.org.roles.every((r) => r === 'public') : false;
  const nav: NavItem[] = [
    { to: '/open/datasets', label: t('portal.nav.datasets'), testId: 'portal-nav-datasets' },
    { to: '/open/demands', label: t('portal.nav.demands'), testId: 'portal-nav-demands' },
    { to: '/open/report', label: t('portal.nav.report'), testId: 'portal-nav-report' },
  ];
  const here = location.pathname + location.search;
  const account: NavItem[] = me
    ? [
        { to: '/open/applications', label: t('portal.nav.applications'), testId: 'portal-nav-applications' },
        ...(isPublic ? [] : [{ to: '/', label: t('portal.nav.workbench'), testId: 'portal-nav-workbench' }]),
      ]
    : [
        { to: `/login?next=${encodeURIComponent(here)}`, label: t('portal.nav.login'), testId: 'portal-nav-login' },
        { to: '/register', label: t('portal.nav.register'), testId: 'portal-nav-register' },
      ];
  const onHome = location.pathname === '/open' || location.pathname === '/open/';

  const links = (vertical: boolean) => (
    <nav aria-label={t('portal.nav.menu')} className={vertical ? 'portal-nav portal-nav-vertical' : 'portal-nav'}>
      {nav.map((n) => (
        <NavLink key={n.to} to={n.to} className="portal-nav-link" data-testid={n.testId}>
          {n.label}
        </NavLink>
      ))}
      {account.map((n) => (
        <Link key={n.testId} to={n.to} className="portal-nav-link" data-testid={n.testId}>
          {n.label}
        </Link>
      ))}
    </nav>
  );

  return (
    <Layout className="portal-shell">
      <Layout.Header className="portal-header">
        <div className="portal-header-row">
          <Link to="/open" className="portal-logo" aria-label={t('portal.brand')} data-testid="portal-logo">
            <span className="app-logo-mark">公</span>
            <span className="portal-logo-text">
              {t('app.shortName')} <span className="portal-logo-sub">{t('portal.brandShort')}</span>
            </span>
          </Link>
          {!phone && !onHome && (
            <div className="portal-header-search">
              <PortalSearch />
            </div>
          )}
          {phone ? (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={t('portal.nav.menu')}
              className="portal-menu-button"
              onClick={() => setMenuOpen(true)}
              data-testid="portal-menu"
            />
          ) : (
            <Space size={4} className="portal-header-links">
              {links(false)}
              <LanguageSwitch />
            </Space>
          )}
        </div>
        {phone && !onHome && (
          <div className="portal-header-search-phone">
            <PortalSearch />
          </div>
        )}
      </Layout.Header>
      <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} title={t('portal.brand')} placement="right" width={280} data-testid="portal-menu-drawer">
        {links(true)}
        <div style={{ marginTop: 16 }}>
          <LanguageSwitch />
        </div>
      </Drawer>
      <Layout.Content className="portal-content">
        <Outlet />
      </Layout.Content>
      <Layout.Footer className="portal-footer">
        <Typography.Paragraph type="secondary" className="small">
          {t('portal.footer.about')}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" className="small">
          <a href="/api/3/action/package_search">{t('portal.footer.api')}</a>
          {' · '}
          <a href="/api/v1/catalog/dcat">{t('portal.footer.dcat')}</a>
        </Typography.Paragraph>
      </Layout.Footer>
    </Layout>
  );
}
