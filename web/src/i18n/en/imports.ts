export const en = {
  title: 'Import',
};
