/** Who may do what on an entry's data page, and which data items a load is checked against (the server checks again). */
import type { CatalogEntryDetail, Me } from '../../api/types';

/** The provider org's clerks, data officers and admins load its entries' data (000 第八条). */
export function mayLoad(me: Me, entry: Pick<CatalogEntryDetail, 'provider'>): boolean {
  return me.org.id === entry.provider.id && me.user.roles.some((r) => r === 'clerk' || r === 'data_officer' || r === 'org_admin');
}

/** The data items of the published version; null while the entry has none. */
export function publishedFields(entry: CatalogEntryDetail) {
  if (entry.publishedVersion === null) return null;
  return entry.version === entry.publishedVersion ? entry.fields : (entry.published?.fields ?? null);
}
