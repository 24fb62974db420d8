import { useState } from 'react';
import { Alert, App, Button, Checkbox, Modal, Space, Table, Typography, Upload, type TableColumnsType } from 'antd';
import { DownloadOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/client';
import type { CatalogImportProblem, CatalogImportResult } from '../../api/types';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { LawHint } from '../../components/LawHint';
import { ART } from './vocab';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The problems an IMPORT_REJECTED refusal lists, if that is what the error is. */
function rejectedRows(e: unknown): CatalogImportProblem[] | null {
  if (!(e instanceof ApiError) || e.code !== 'IMPORT_REJECTED') return null;
  const rows = e.details?.rejected;
  return Array.isArray(rows) ? (rows as CatalogImportProblem[]) : [];
}

function ProblemsTable({ problems }: { problems: CatalogImportProblem[] }) {
  const { t } = useI18n();
  const columns: TableColumnsType<CatalogImportProblem> = [
    { title: t('catalog.import.col.sheet'), dataIndex: 'sheet', width: 90 },
    { title: t('catalog.import.col.row'), dataIndex: 'row', width: 70 },
    { title: t('catalog.import.col.column'), dataIndex: 'column', width: 150, render: (v: string | null) => v ?? t('catalog.import.wholeRow') },
    { title: t('catalog.import.col.reason'), dataIndex: 'message' },
    { title: t('catalog.import.col.source'), dataIndex: 'source', width: 150, render: (v: string | undefined) => (v ? <LawHint source={v} /> : '—') },
  ];
  return (
    <Table<CatalogImportProblem>
      data-testid="import-problems"
      rowKey={(p) => `${p.sheet}:${p.row}:${p.column ?? ''}:${p.message}`}
      size="small"
      columns={columns}
      dataSource={problems}
      pagination={problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
      scroll={{ x: 700 }}
    />
  );
}

/**
 * 导入: download the template, upload the filled-in file; every bad row is listed with its sheet,
 * row, column, reason and article. Nothing is imported from a file with errors unless the user
 * chooses to import only the good rows.
 */
export function ImportButton({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<CatalogImportProblem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CatalogImportResult | null>(null);

  const reset = () => {
    setFile(null);
    setPartial(false);
    setProblems(null);
    setError(null);
    setResult(null);
  };

  const template = async () => {
    try {
      await api.catalog.downloadTemplate();
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const upload = async (acceptPartial: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setProblems(null);
    try {
      const r = await api.catalog.importXlsx(file, acceptPartial);
      setResult(r);
      setProblems(r.rejected.length ? r.rejected : null);
      if (r.imported.length) {
        message.success(t('catalog.import.done', { n: r.imported.length }));
        onImported();
      }
    } catch (e) {
      const rows = rejectedRows(e);
      setProblems(rows);
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="catalog-import">
        {t('catalog.import')}
      </Button>
      <Modal
        open={open}
        width={860}
        title={t('catalog.import.title')}
        onCancel={() => {
          setOpen(false);
          reset();
        }}
        destroyOnHidden
        footer={
          <Space>
            <Button
              onClick={() => {
                setOpen(false);
                reset();
              }}
            >
              {t('common.close')}
            </Button>
            <Button type="primary" loading={busy} disabled={!file} onClick={() => void upload(partial)} data-testid="import-submit">
              {t('catalog.import.submit')}
            </Button>
          </Space>
        }
      >
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            {t('catalog.import.intro')} <LawHint source={ART.fields} />
          </Typography.Paragraph>
          <Button icon={<DownloadOutlined />} onClick={() => void template()} data-testid="import-template">
            {t('catalog.import.template')}
          </Button>
          <Upload.Dragger
            accept={`.xlsx,${XLSX_MIME}`}
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              setProblems(null);
              setError(null);
              setResult(null);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: 'import', name: file.name, status: 'done' }] : []}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('catalog.import.drop')}</p>
          </Upload.Dragger>
          <Checkbox checked={partial} onChange={(e) => setPartial(e.target.checked)} data-testid="import-partial">
            {t('catalog.import.partial')}
          </Checkbox>
          {error && <Alert type="error" showIcon message={error} data-testid="import-error" />}
          {result && (
            <Alert
              type={result.rejected.length ? 'warning' : 'success'}
              showIcon
              message={t('catalog.import.result', { imported: result.imported.length, rows: result.entryRows, rejected: result.rejected.length })}
              data-testid="import-result"
            />
          )}
          {problems && problems.length > 0 && (
            <>
              <ProblemsTable problems={problems} />
              {!result && (
                <Button onClick={() => void upload(true)} loading={busy} data-testid="import-accept-partial">
                  {t('catalog.import.acceptPartial')}
                </Button>
              )}
            </>
          )}
        </Space>
      </Modal>
    </>
  );
}
