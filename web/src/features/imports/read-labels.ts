/**
 * How a file was read, in the words the preview uses for it: the same label for an encoding
 * ("GBK / GB18030 (simplified Chinese)") and a delimiter ("Semicolon ;") on the preview, the check and
 * an import's page, never the server's raw name ("gb18030") on one screen and a friendly one on another.
 */
import type { TFunction } from 'i18next';

/** The encodings the preview offers, in its order. */
export const ENCODINGS = [
  'utf-8',
  'gb18030',
  'big5',
  'shift_jis',
  'euc-kr',
  'utf-16le',
  'utf-16be',
  'windows-1252',
];
export const DELIMITERS = [',', ';', '\t', '|'];

const DELIMITER_KEYS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** An encoding's label; one the preview does not offer as its name in capitals. */
export function encodingLabel(encoding: string, t: TFunction): string {
  const name = encoding.toLowerCase();
  return ENCODINGS.includes(name) ? t(`imports.preview.encodings.${name}`) : encoding.toUpperCase();
}

/** A delimiter's label ("Semicolon ;", "Tab"); an unknown one as itself. */
export function delimiterLabel(delimiter: string, t: TFunction): string {
  const key = DELIMITER_KEYS[delimiter];
  return key ? t(`imports.preview.delimiters.${key}`) : delimiter;
}
