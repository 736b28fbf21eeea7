/**
 * The Intl locale of each language, and sizes written in it. Free of i18next's set-up (index.ts reads
 * localStorage), so code tested outside a browser can format in a given language too.
 */
export function localeOf(language: string): string {
  return language === 'zh' ? 'zh-CN' : 'en-GB';
}

/** 1.5 GB, 200 MB, 12 KB, counted in 1,024s as the server counts, in `language`. */
export function byteSize(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
