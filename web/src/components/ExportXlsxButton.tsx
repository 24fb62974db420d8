import { useState } from 'react';
import { App, Button, Tooltip, type TableColumnType } from 'antd';
import { FileExcelOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { saveBlob } from '../lib/download';
import { errorText } from '../lib/errors';
import { EXPORT_ROW_CAP, collectRows, exportColumnsOf, exportFileName, sheetRows, type PageFetcher } from '../lib/exportXlsx';

/**
 * A list's antd columns, each with an optional `exportText`: the cell's text where `render`
 * returns a component (a status tag, a countdown), or `false` to leave the column out.
 */
export type ExportableColumns<T> = (TableColumnType<T> & { exportText?: ((record: T, index: number) => string) | false })[];

export interface ExportXlsxButtonProps<T> {
  /** The page title: the file is named after it and the date. */
  title: string;
  /** The table's own columns; the export shows what they show. */
  columns: readonly (TableColumnType<T> & { exportText?: ((record: T, index: number) => string) | false })[];
  /** The page's own API call with the filters in the URL, for any page of the list. */
  fetchPage: PageFetcher<T>;
  /** The largest page the API accepts. */
  pageSize: number;
  disabled?: boolean;
}

/**
 * 导出 XLSX: every page of the list under its current filters (up to {@link EXPORT_ROW_CAP} rows),
 * with the table's titles and cell text. The list is read again rather than taken from the table,
 * which holds one page only.
 */
export function ExportXlsxButton<T>({ title, columns, fetchPage, pageSize, disabled }: ExportXlsxButtonProps<T>) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [progress, setProgress] = useState<{ done: number; total: number | undefined } | null>(null);

  const run = async () => {
    setProgress({ done: 0, total: undefined });
    try {
      const cols = exportColumnsOf(columns);
      const { rows, truncated, total } = await collectRows(fetchPage, {
        pageSize,
        cap: EXPORT_ROW_CAP,
        onProgress: (done, n) => setProgress({ done, total: n }),
      });
      const { header, rows: cells } = sheetRows(cols, rows);
      const { xlsxBlob } = await import('../lib/exportXlsxWriter');
      saveBlob(exportFileName(title), await xlsxBlob(title, header, cells));
      if (truncated) {
        message.warning(
          total !== undefined ? t('export.capped', { cap: EXPORT_ROW_CAP, total }) : t('export.cappedNoTotal', { cap: EXPORT_ROW_CAP }),
          8,
        );
      } else {
        message.success(t('export.done', { n: rows.length }));
      }
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setProgress(null);
    }
  };

  const busy = progress !== null;
  return (
    <Tooltip title={t('export.tooltip', { cap: EXPORT_ROW_CAP })}>
      <Button icon={<FileExcelOutlined />} loading={busy} disabled={disabled} onClick={() => void run()} data-testid="export-xlsx">
        {busy
          ? progress.total !== undefined
            ? t('export.progress', { done: progress.done, total: Math.min(progress.total, EXPORT_ROW_CAP) })
            : t('export.progressNoTotal', { done: progress.done })
          : t('export.xlsx')}
      </Button>
    </Tooltip>
  );
}
