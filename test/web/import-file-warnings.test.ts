/**
 * An import's warnings about the file as a whole (the check step and the import's page), in the page's
 * language: the server's coded warnings from their numbers and names, an older import's sentences too.
 */
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import {
  columnsNotImportedWarning,
  type FileWarning,
  plainWarning,
  titleRowsWarning,
} from '../../src/imports/file-warnings.js';
import { en, WEB, zh } from './web-i18n.js';

const { fileWarningText } = (await import(`${WEB}/features/imports/file-warning-text.ts`)) as {
  fileWarningText: (warning: FileWarning, t: TFunction, language: string) => string;
};

describe("an import's file warnings in the page's language", () => {
  it.each([
    [
      titleRowsWarning(3, [1]),
      'The column names were read from row 3; row 1 above it is a title and is not imported. If that is wrong, choose another header row.',
      '列名取自第 3 行；其上方的第 1 行是标题，不会导入。如有误，请选择其他表头行。',
    ],
    [
      titleRowsWarning(4, [1, 2]),
      'The column names were read from row 4; rows 1, 2 above it are a title and are not imported. If that is wrong, choose another header row.',
      '列名取自第 4 行；其上方的第 1、2 行是标题，不会导入。如有误，请选择其他表头行。',
    ],
    [
      columnsNotImportedWarning(['昵称', '备注']),
      'Columns not imported: 昵称, 备注',
      '未导入的列：昵称、备注',
    ],
    // An import queued before the server coded its warnings: the sentence read back.
    [plainWarning('columns not imported: 昵称'), 'Columns not imported: 昵称', '未导入的列：昵称'],
  ])('%j', (warning, english, chinese) => {
    expect(fileWarningText(warning, en, 'en')).toBe(english);
    expect(fileWarningText(warning, zh, 'zh')).toBe(chinese);
  });

  it('says a warning it has no words for as the server wrote it', () => {
    const warning = plainWarning(
      'row 2 has a value in column 3 ("VIP"), which has no name in the header row',
    );
    expect(fileWarningText(warning, zh, 'zh')).toBe(warning.message);
  });
});
