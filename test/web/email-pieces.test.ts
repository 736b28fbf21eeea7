import { expect, it } from 'vitest';
import { WEB } from './web-i18n.js';

const { emailPieces } = (await import(
  `${WEB}/ui/email-pieces.ts`
)) as typeof import('../../web/src/ui/email-pieces.js');

it('lets an e-mail address wrap only before its @, its dots and a + tag, each piece whole', () => {
  expect(emailPieces('wang.xiaoming.customersuccess@support.example.com.cn')).toEqual([
    'wang',
    '.xiaoming',
    '.customersuccess',
    '@support',
    '.example',
    '.com',
    '.cn',
  ]);
  expect(emailPieces('ada@kith.test').join('')).toBe('ada@kith.test');
  expect(emailPieces('zhangwei+shop@example.com')).toEqual(['zhangwei', '+shop', '@example', '.com']);
  expect(emailPieces('plain')).toEqual(['plain']);
});
