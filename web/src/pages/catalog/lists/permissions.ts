/**
 * Who may act on the lists, as src/modules/catalog/lists.rules.ts says (the server checks again;
 * the pages only offer what would be allowed).
 */
import type { Me } from '../../../api/types';
import { isPlatformAdmin } from '../../../lib/roles';

const userHas = (me: Me, ...roles: string[]) => roles.some((r) => me.user.roles.includes(r));
const orgHas = (me: Me, ...roles: string[]) => roles.some((r) => me.org.roles.includes(r));

/** A seat of the negative list's joint review is signed by a reviewer or admin of the org holding it (000 第十一条). */
export const canSignSeat = (me: Me, holderOrgId: string | null | undefined) =>
  !!holderOrgId && holderOrgId === me.org.id && userHas(me, 'reviewer', 'org_admin');

/** The data authority or the implementing agency, acting for its org. */
const operationBody = (me: Me) => orgHas(me, 'data_authority', 'implementing_agency') && userHas(me, 'org_admin', 'data_officer', 'clerk', 'reviewer');

/** The provider's own consent-level act: its data officer or admin (000 第二十七条第二款). */
export const canConsent = (me: Me, providerOrgId: string | undefined) =>
  !!providerOrgId && providerOrgId === me.org.id && userHas(me, 'data_officer', 'org_admin');

/** Registration (登记, 000 第二十九条): the data authority, the implementing agency or the platform administrator. */
export const canRegisterResource = (me: Me) => operationBody(me) || isPlatformAdmin(me);

/** Taking an item off the operation catalog: whoever listed it, the operation bodies, or the provider. */
export const canRemoveItem = (me: Me, item: { listedBy: { id: string }; providerOrgId: string | undefined }) =>
  operationBody(me) ||
  (item.listedBy.id === me.org.id && userHas(me, 'org_admin', 'data_officer', 'clerk', 'reviewer')) ||
  canConsent(me, item.providerOrgId);
