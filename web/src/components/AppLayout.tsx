import { useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { Breadcrumb, Layout, Menu, type MenuProps } from 'antd';
import { HomeOutlined } from '@ant-design/icons';
import { useMe } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { appRoutes, groupTitle, menuKeyFor, routeFor, type MenuGroup } from '../routes';
import { AppHeader } from './AppHeader';
import { HealthFooter } from './HealthFooter';

type MenuItem = Required<MenuProps>['items'][number];

const GROUP_ORDER: readonly MenuGroup[] = ['work', 'catalog', 'admin', 'oversight', 'org', 'rules'];

/** The frame of every signed-in page: menu by role, header, breadcrumb, footer. */
export function AppLayout() {
  const me = useMe();
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);

  const visible = appRoutes.filter((r) => r.menu !== false && r.allowed(me));
  const items: MenuItem[] = GROUP_ORDER.flatMap((g): MenuItem[] => {
    const routes = visible.filter((r) => r.group === g);
    if (routes.length === 0) return [];
    const children = routes.map((r): MenuItem => ({ key: r.path, icon: r.icon, label: t(r.title) }));
    return g === 'work' ? children : [{ type: 'group', key: g, label: t(groupTitle[g]), children }];
  });

  const current = routeFor(location.pathname);
  const menuKey = menuKeyFor(location.pathname);
  const crumbs = [{ key: 'home', title: <Link to="/"><HomeOutlined /> {t('app.home')}</Link> }];
  if (current && current.path !== '/') {
    crumbs.push({ key: 'group', title: <>{t(groupTitle[current.group])}</> });
    const parent = current.menu === false ? appRoutes.find((r) => r.path === menuKey) : undefined;
    if (parent) crumbs.push({ key: 'parent', title: <Link to={parent.path}>{t(parent.title)}</Link> });
    crumbs.push({ key: 'page', title: <>{t(current.title)}</> });
  }

  return (
    <Layout className="app-shell">
      <Layout.Sider
        theme="light"
        width={220}
        breakpoint="lg"
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        className="app-sider"
      >
        <Link to="/" className="app-logo" aria-label={t('app.name')}>
          <span className="app-logo-mark">公</span>
          {!collapsed && <span className="app-logo-text">{t('app.shortName')}</span>}
        </Link>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={menuKey ? [menuKey] : []}
          onClick={({ key }) => navigate(key)}
          data-testid="main-menu"
        />
      </Layout.Sider>
      <Layout>
        <AppHeader />
        <Layout.Content className="app-content">
          <Breadcrumb items={crumbs} className="app-breadcrumb" />
          <Outlet />
        </Layout.Content>
        <HealthFooter />
      </Layout>
    </Layout>
  );
}
