/** English — personal-information detection (proposed kinds for a catalog entry's data items). Merged into en-US.ts. */
import type { piiDetectZhCN } from './piiDetect.zh-CN';

export const piiDetectEnUS: Record<keyof typeof piiDetectZhCN, string> = {
  'catalog.pii.mobile': 'Mobile number',
  'catalog.pii.bank_card': 'Bank card number',
  'catalog.pii.uscc': 'Unified social credit code',
  'catalog.pii.plate': 'Vehicle plate',
  'catalog.pii.passport': 'Passport number',
  'catalog.pii.permit': 'HK/Macao/Taiwan travel permit',

  'pii.detect.action': 'Detect personal information',
  'pii.detect.title': 'Detect personal information: {name}',
  'pii.detect.description': 'Up to {n} non-empty values of each data item are sampled from the current data version (version {version}, {rows} rows) and checked: ID-number check digits, credit codes, mobile and fixed-line numbers, bank cards (Luhn), e-mail, plates, passports and permits, surnames with the item’s label, regions and house numbers. Nothing is proposed when fewer than half match.',
  'pii.detect.noData': 'No data has been loaded for this entry yet: load a batch on its Data page first.',
  'pii.detect.col.field': 'Data item',
  'pii.detect.col.current': 'Current kind',
  'pii.detect.col.proposed': 'Proposed kind',
  'pii.detect.col.share': 'Match share',
  'pii.detect.col.confidence': 'Confidence',
  'pii.detect.share': '{share} ({matched}/{sampled})',
  'pii.detect.notLoaded': 'Not in the current data version',
  'pii.detect.none': 'None found',
  'pii.detect.same': 'Same as now',
  'pii.detect.adopt': 'Adopt',
  'pii.detect.close': 'Close',
  'pii.detect.adoptAll': 'Adopt all and edit',
  'pii.detect.adoptHint': 'Adopt opens the entry’s edit form with the proposed kind filled into the item’s “Personal information”; check it and save the draft.',
  'pii.detect.notEditable': 'This version cannot be changed: start a new version to adopt proposals.',
  'pii.detect.confidence.certain': 'Certain',
  'pii.detect.confidence.likely': 'Likely',
  'pii.detect.confidence.possible': 'Possible',
  'pii.detect.adopted': 'Adopted the detected kinds: {list}. Check them and save the draft.',
};
