import { getCountries } from 'libphonenumber-js/max';
import type { Region } from './phone.js';

/**
 * The phone region a country cell names, or null. A customer list exported from a CRM (HubSpot,
 * Salesforce, Zoho, Intercom, Shopify) writes each customer's phone as that customer's country writes it
 * — `(415) 555-0100`, `07700 900123`, `090-1234-5678` — with the country in its own column; read in the
 * installation's default region (CN) such a number is wrong or, worse, a valid number of someone else.
 * Names are read in English, Chinese (simplified and traditional) and the languages CRM exports are
 * often set to, as ISO 3166 codes (`US`, `USA`) and as a few everyday names (`UK`, `America`, `香港`).
 */
export function regionOfCountry(value: string): Region | null {
  return countryIndex().get(countryKey(value)) ?? null;
}

function countryKey(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[.\u2019']/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const NAME_LANGUAGES = ['en', 'zh-Hans', 'zh-Hant', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'ja', 'ko'];

/** Everyday names Intl does not give (its English for HK is "Hong Kong SAR China"), and alpha-3 codes. */
const ALIASES: Record<string, Region> = {
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  uk: 'GB',
  gbr: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  chn: 'CN',
  prc: 'CN',
  "people's republic of china": 'CN',
  'mainland china': 'CN',
  中国大陆: 'CN',
  大陆: 'CN',
  'hong kong': 'HK',
  hkg: 'HK',
  香港: 'HK',
  macau: 'MO',
  macao: 'MO',
  澳门: 'MO',
  澳門: 'MO',
  twn: 'TW',
  臺灣: 'TW',
  korea: 'KR',
  'republic of korea': 'KR',
  kor: 'KR',
  jpn: 'JP',
  deu: 'DE',
  fra: 'FR',
  can: 'CA',
  aus: 'AU',
  sgp: 'SG',
  uae: 'AE',
  'russian federation': 'RU',
};

let index: Map<string, Region> | null = null;

function countryIndex(): Map<string, Region> {
  if (index) return index;
  index = new Map();
  const names = NAME_LANGUAGES.map((l) => new Intl.DisplayNames([l], { type: 'region' }));
  for (const region of getCountries()) {
    index.set(countryKey(region), region);
    for (const n of names) {
      const name = n.of(region);
      if (name && name !== region) index.set(countryKey(name), region);
    }
  }
  for (const [name, region] of Object.entries(ALIASES)) index.set(countryKey(name), region);
  return index;
}
