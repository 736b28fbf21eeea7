/**
 * Regions offered for reading phone numbers written without a country code, named in the user's
 * language by Intl. The server accepts any ISO 3166 code; these are the ones customer lists come from.
 */
import { localeOf } from '../../i18n';

const CODES = [
  'CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'JP', 'KR', 'TH', 'VN', 'PH', 'ID', 'IN', 'PK', 'BD', 'KH', 'MM',
  'AU', 'NZ', 'US', 'CA', 'MX', 'BR', 'AR', 'CL', 'CO', 'PE', 'GB', 'IE', 'DE', 'FR', 'IT', 'ES', 'PT',
  'NL', 'BE', 'LU', 'CH', 'AT', 'SE', 'NO', 'DK', 'FI', 'PL', 'CZ', 'HU', 'RO', 'GR', 'TR', 'RU', 'UA',
  'IL', 'AE', 'SA', 'QA', 'EG', 'MA', 'NG', 'KE', 'ZA',
]; // prettier-ignore

export function regionName(code: string, language: string): string {
  const name = new Intl.DisplayNames([localeOf(language)], { type: 'region' }).of(code);
  return name && name !== code ? `${name} (${code})` : code;
}

export function regionOptions(language: string, extra: string[] = []): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([localeOf(language)], { type: 'region' });
  const codes = [...new Set([...extra.filter((c) => /^[A-Z]{2}$/.test(c)), ...CODES])];
  return codes
    .map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))
    .sort((a, b) => a.label.localeCompare(b.label, localeOf(language)));
}
