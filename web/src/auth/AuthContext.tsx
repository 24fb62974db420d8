/** The signed-in user, loaded once from /auth/me and replaced on login, registration and logout. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client';
import type { Me } from '../api/types';

export interface Auth {
  /** null when nobody is signed in. */
  me: Me | null;
  /** True until the first /auth/me answer arrives. */
  loading: boolean;
  /** A failure other than "not signed in" (e.g. the server is down). */
  error: ApiError | null;
  /** True after an explicit logout: the next sign-in starts at the workbench, not the page left. */
  signedOut: boolean;
  signedIn: (me: Me) => void;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [signedOut, setSignedOut] = useState(false);

  useEffect(() => {
    let current = true;
    api.auth
      .me()
      .then((m) => current && setMe(m))
      .catch((e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && e.status !== 401) setError(e);
        setMe(null);
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, []);

  const signedIn = useCallback((m: Me) => {
    setError(null);
    setSignedOut(false);
    setMe(m);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      setSignedOut(true);
      setMe(null);
    }
  }, []);

  const value = useMemo<Auth>(() => ({ me, loading, error, signedOut, signedIn, logout }), [me, loading, error, signedOut, signedIn, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user on pages that are only rendered behind the login guard. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe used on a page rendered without a session');
  return me;
}
