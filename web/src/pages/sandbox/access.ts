/**
 * Who may open the sandbox pages. Kept apart from the pages so that the menu can decide without
 * loading them: the pages (and CodeMirror with them) are fetched only when opened.
 */
import type { Me } from '../../api/types';

/**
 * Orgs that may hold sandbox grants — operators, developers and institutions — through the users who
 * handle their data work (clerks, data officers, admins); the server checks the grant at each query.
 */
export const canUseSandbox = (me: Me): boolean =>
  me.org.roles.some((r) => r === 'operator' || r === 'developer' || r === 'institution') && me.user.roles.some((r) => r === 'clerk' || r === 'data_officer' || r === 'org_admin');

/** The implementing agency's clerks, reviewers, data officers and admins review releases (the server checks again). */
export const canReviewReleases = (me: Me): boolean =>
  me.org.roles.includes('implementing_agency') && me.user.roles.some((r) => r === 'clerk' || r === 'reviewer' || r === 'data_officer' || r === 'org_admin');
