import { useI18n } from '../../i18n';

/** Units written after the number; `count`, `text` and `ratio` need no word after the value. */
const SILENT_UNITS = new Set(['count', 'text', 'ratio']);

/** A parameter's value in words: numbers with their unit, ratios as percentages, yes/no, lists joined. */
export function ParamValue({ value, unit }: { value: unknown; unit?: string }) {
  const { t, tMaybe } = useI18n();
  if (value === null || value === undefined) return <span className="muted">{t('jurisdiction.value.none')}</span>;
  const unitText = unit && !SILENT_UNITS.has(unit) ? (tMaybe(`unit.${unit}`) ?? unit) : '';
  if (typeof value === 'boolean') return <>{t(value ? 'common.yes' : 'common.no')}</>;
  if (typeof value === 'number' && unit === 'ratio') return <strong>{`${Number((value * 100).toFixed(4))}%`}</strong>;
  if (typeof value === 'number' || typeof value === 'string') {
    return (
      <>
        <strong>{value}</strong>
        {unitText && <> {unitText}</>}
      </>
    );
  }
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    // Codes (roles, selection or pricing methods) read better by their names.
    const word = (v: unknown) => tMaybe(`role.org.${String(v)}`) ?? tMaybe(`paramValue.${String(v)}`) ?? String(v);
    return (
      <>
        {value.map(word).join(t('common.listSep'))}
        {unitText && ` ${unitText}`}
      </>
    );
  }
  return <code className="break">{JSON.stringify(value)}</code>;
}
