/**
 * 识别个人信息 on a catalog entry's page: the provider's clerk opens the proposals drawn from the
 * entry's data, sees each data item's proposed kind beside the declared one, and "采用" fills the
 * item's 个人信息 in the edit form, saved as the draft.
 */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { authOf, makePublishedEntry } from '../src/modules/ingest/factories.js';
import * as ingest from '../src/modules/ingest/service.js';
import * as entries from '../src/modules/catalog/entries.service.js';
import { synthIdNumber } from '../src/modules/ingest/synth.js';
import type { CatalogField } from '../src/modules/catalog/tables.js';
import { e2eSuite, waitForText } from './browser.js';

const FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number', sensitivity: 'important' },
  { name: 'contact', label: '联系人', type: 'string' },
  { name: 'tel', label: '联系电话', type: 'string' },
  { name: 'status', label: '办理状态', type: 'string' },
];
const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '欧阳华'];

let entryId = '';

e2eSuite(
  'pii-detect',
  (t) => {
    it('the provider’s clerk sees the proposed kinds and adopts one into the draft', async () => {
      const page = await t.switchUser('gat_clerk');
      await page.goto(`/catalog/entries/${entryId}`);
      await page.getByTestId('entry-detect-pii').click();
      const modal = page.getByTestId('pii-proposal');
      await waitForText(modal.getByTestId('pii-proposed-contact'), '姓名');
      await waitForText(modal.getByTestId('pii-proposed-tel'), '手机号码');
      await waitForText(modal.getByTestId('pii-proposed-id_number'), '身份证件号码');
      // Declared already: nothing to adopt on the ID number.
      expect(await modal.getByTestId('pii-adopt-id_number').count()).toBe(0);

      await modal.getByTestId('pii-adopt-contact').click();
      await page.waitForURL((u) => u.pathname === `/catalog/entries/${entryId}/edit`);
      await waitForText(page.getByTestId('wizard-pii-adopted'), 'contact：姓名');
      // The form's rows are numbered: contact is the second data item.
      const piiCell = (i: number) => page.getByTestId('wizard-step-fields').locator('.cell-item', { has: page.getByTestId(`field-pii-${i}`) });
      await waitForText(piiCell(1).locator('.ant-select-selection-item'), '姓名');
      expect(await piiCell(2).locator('.ant-select-selection-item').count()).toBe(0);
      for (let i = 0; i < 3; i++) await page.getByTestId('wizard-next').click();
      await page.getByTestId('wizard-save').click();
      await page.waitForURL((u) => u.pathname === `/catalog/entries/${entryId}`);

      const v = await t.env.k.db.kysely
        .selectFrom('catalog_versions')
        .select(['fields', 'status'])
        .where('entry_id', '=', entryId)
        .orderBy('version', 'desc')
        .executeTakeFirstOrThrow();
      expect(v.status).toBe('draft');
      expect(v.fields.find((f) => f.name === 'contact')).toMatchObject({ piiKind: 'name', sensitivity: 'important' });
      expect(v.fields.find((f) => f.name === 'tel')?.piiKind ?? null).toBeNull();
    }, 90_000);
  },
  {
    setup: async (env) => {
      entryId = await makePublishedEntry(env.k, '海南省公安厅', FIELDS, '个人信息识别演示');
      const auth = await authOf(env.k, 'gat_clerk');
      const rows = Array.from({ length: 30 }, (_, i) => [synthIdNumber('460105', '19900307', i), NAMES[i % NAMES.length], `139${String(i).padStart(8, '0')}`, i % 2 ? '已办结' : '办理中'].join(','));
      const body = Readable.from([`${FIELDS.map((f) => f.name).join(',')}\n${rows.join('\n')}\n`]);
      await ingest.receiveLoad(env.k, auth, entryId, { mode: 'replace', format: 'csv', body });
      await entries.createVersion(env.k, auth, entryId, { changeNote: '补充个人信息类型' });
      // The test entry is bare; the edit form also needs its summary.
      await env.k.db.kysely.updateTable('catalog_versions').set({ description: '办件联系人及其联系方式，供个人信息识别演示。' }).where('entry_id', '=', entryId).where('status', '=', 'draft').execute();
    },
  },
);
