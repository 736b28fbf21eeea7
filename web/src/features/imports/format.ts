/** Sizes, durations and rates as the import screens show them, in the user's language. */
import i18n, { formatNumber, localeOf } from '../../i18n';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(localeOf(i18n.language), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** "2 min 5 s" / "2分钟5秒": seconds left, rounded to what a person cares about. */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const t = i18n.t.bind(i18n);
  if (h > 0) return t('imports.time.hoursMinutes', { h, m });
  if (m > 0)
    return m >= 10 ? t('imports.time.minutes', { m }) : t('imports.time.minutesSeconds', { m, s: rest });
  return t('imports.time.seconds', { s: rest });
}

export function formatRate(rowsPerSecond: number): string {
  return formatNumber(Math.round(rowsPerSecond));
}
