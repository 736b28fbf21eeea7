import type { en } from '../en/settings';

export const settings: typeof en = {
  title: '设置',
};
