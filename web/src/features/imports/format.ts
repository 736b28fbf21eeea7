/** Sizes, durations and rates as the import screens show them, in the user's language. */
import i18n, { formatNumber } from '../../i18n';
import { byteSize } from '../../i18n/locale';

export function formatBytes(bytes: number): string {
  return byteSize(bytes, i18n.language);
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
