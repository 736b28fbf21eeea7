import { expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { fileNamePieces } = (await import(
  `${WEB}/ui/file-name-pieces.ts`
)) as typeof import('../../web/src/ui/file-name-pieces.js');

it('lets a file name wrap only after _, - and spaces and before dots but the extension’s, each piece whole', () => {
  expect(fileNamePieces('bad_rows.csv')).toEqual(['bad_', 'rows.csv']);
  expect(fileNamePieces('customers_export_from_the_old_crm-2026.11.csv')).toEqual([
    'customers_',
    'export_',
    'from_',
    'the_',
    'old_',
    'crm-',
    '2026',
    '.11.csv',
  ]);
  expect(fileNamePieces('客户名单 十一月.xlsx')).toEqual(['客户名单 ', '十一月.xlsx']);
  expect(fileNamePieces('plain')).toEqual(['plain']);
});
