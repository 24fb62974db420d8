/** Chinese (or English) names of the catalog's codes; an unknown code is shown as it is. */
import { useI18n } from '../../i18n';

export type AttrKind = 'share' | 'open';

export function useCatalogLabels() {
  const { t, tMaybe } = useI18n();
  const label = (prefix: string, code: string | null | undefined) => (code ? (tMaybe(`${prefix}.${code}`) ?? code) : '—');
  return {
    attr: (kind: AttrKind, v: string | null | undefined) => label(`catalog.${kind}Attr`, v),
    operation: (v: boolean | string | null | undefined) =>
      t(v === true || v === 'true' ? 'catalog.operationAttr.true' : 'catalog.operationAttr.false'),
    grade: (v: string | null | undefined) => label('catalog.grade', v),
    frequency: (v: string | null | undefined) => label('catalog.frequency', v),
    method: (v: string | null | undefined) => label('catalog.method', v),
    format: (v: string | null | undefined) => label('catalog.format', v),
    fieldType: (v: string | null | undefined) => label('catalog.fieldType', v),
    pii: (v: string | null | undefined) => label('catalog.pii', v),
    status: (v: string | null | undefined) => label('catalog.status', v),
    notOpenReason: (v: string | null | undefined) => label('catalog.notOpenReason', v),
    safeguard: (v: string | null | undefined) => label('catalog.safeguard', v),
    priority: (v: string | null | undefined) => label('catalog.priority', v),
    seat: (v: string | null | undefined) => label('catalog.seat', v),
    assessment: (v: string | null | undefined) => label('catalog.assessment', v),
    list: (items: readonly string[], one: (v: string) => string) => (items.length ? items.map(one).join(t('common.listSep')) : '—'),
  };
}

export type CatalogLabels = ReturnType<typeof useCatalogLabels>;
