import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A link to a case: inside the app through the router, elsewhere as a plain link. */
export function CaseLink({ to, children }: { to: string | null; children: ReactNode }) {
  if (!to) return <>{children}</>;
  if (/^https?:\/\//.test(to)) {
    return (
      <a href={to} target="_blank" rel="noreferrer">
        {children}
      </a>
    );
  }
  return <Link to={to}>{children}</Link>;
}
