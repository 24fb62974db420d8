import { useState } from 'react';
import { App, Button, Tooltip } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';

/** 导出 XLSX: the catalog workbook for the annual review — every attribute in Chinese, data items on a second sheet. */
export function ExportButton() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await api.catalog.exportXlsx();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip title={t('catalog.export.hint')}>
      <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run()} data-testid="catalog-export">
        {t('catalog.export')}
      </Button>
    </Tooltip>
  );
}
