import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, WEB, zh } from './web-i18n.js';

const { undoKeptReasonText } = (await import(`${WEB}/features/imports/import-errors.ts`)) as {
  undoKeptReasonText: (reason: string, t: TFunction, value: (json: string) => string) => string;
};

// The reasons an undo gives for a value it kept, as src/imports/undo-import.ts and undoOrderImport
// (src/orders/order-service.ts) write them; the value is shown as the caller says (here: parsed).
const asShown = (json: string) => String(JSON.parse(json));

describe('why an undo kept a value, in the user’s language', () => {
  it.each([
    [
      'changed again since the import (now "li@example.cn")',
      'changed again since the import (now li@example.cn)',
      '导入后又被修改过（现为 li@example.cn）',
    ],
    ['changed again since the import', 'changed again since the import', '导入后又被修改过'],
    [
      'the old value "+8613800138000" now belongs to contact ct_01abc',
      'the old value +8613800138000 now belongs to customer ct_01abc',
      '原来的值 +8613800138000 现已属于客户 ct_01abc',
    ],
  ])('%s', (reason, english, chinese) => {
    expect(undoKeptReasonText(reason, en, asShown)).toBe(english);
    expect(undoKeptReasonText(reason, zh, asShown)).toBe(chinese);
  });

  it('shows a reason it does not know as the server wrote it', () => {
    expect(undoKeptReasonText('something new', zh, asShown)).toBe('something new');
  });
});
