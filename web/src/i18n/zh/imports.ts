import type { en } from '../en/imports';

export const imports: typeof en = {
  title: '导入',
};
