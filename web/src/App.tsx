import { Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { useAuth } from './auth/AuthContext';
import { useI18n } from './i18n';
import { errorText } from './lib/errors';
import { appRoutes, type AppRoute } from './routes';
import { AppLayout } from './components/AppLayout';
import { PageLoading } from './components/PageLoading';
import { LoginPage } from './pages/auth/LoginPage';
import { RegisterPage } from './pages/auth/RegisterPage';
import { ForbiddenPage, NotFoundPage } from './pages/errors/ErrorPages';
import { PortalLayout } from './pages/opening/PortalLayout';
import { portalRoutes, type PortalRoute } from './pages/opening/portalRoutes';
import { useDefaultMeta } from './pages/opening/meta';

/** Signed-in pages only: anyone else goes to /login and comes back afterwards. */
function RequireSession({ children }: { children: ReactNode }) {
  const { me, loading, error, signedOut } = useAuth();
  const { t } = useI18n();
  const location = useLocation();
  if (loading) {
    return (
      <div className="full-center">
        <Spin size="large" tip={t('common.loading')}>
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    );
  }
  if (error) {
    return (
      <Result
        status="500"
        title={t('error.serverDown.title')}
        subTitle={errorText(error, t)}
        extra={<Button onClick={() => window.location.reload()}>{t('common.retry')}</Button>}
      />
    );
  }
  if (!me) {
    // A visitor without a session starts at the public open data portal.
    if (location.pathname === '/' && !signedOut) return <Navigate to="/open" replace />;
    const next = signedOut ? '/' : location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** A page the user's roles do not open shows 403 rather than a broken page. */
function Guarded({ route }: { route: AppRoute }) {
  const { me } = useAuth();
  const { t } = useI18n();
  const title = `${t(route.title)} · ${t('app.name')}`;
  useEffect(() => {
    document.title = title;
  }, [title]);
  if (!me || !route.allowed(me)) return <ForbiddenPage />;
  // Some pages are fetched on first visit (lazyPage): the layout stays while they load.
  return <Suspense fallback={<PageLoading />}>{route.element}</Suspense>;
}

/** A public portal page: its default title and description (the page may refine them). */
function PortalPage({ route }: { route: PortalRoute }) {
  const { t } = useI18n();
  useDefaultMeta(`${t(route.title)} · ${t('portal.brand')}`, route.description ? t(route.description) : null);
  return <Suspense fallback={<PageLoading />}>{route.element}</Suspense>;
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route element={<PortalLayout />}>
        {portalRoutes.map((r) => (
          <Route key={r.path} path={r.path} element={<PortalPage route={r} />} />
        ))}
      </Route>
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        {appRoutes.map((r) => (
          <Route key={r.path} path={r.path} element={<Guarded route={r} />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
