/** The phone region a customer list's country cell names, as CRM exports write it. */
import { describe, expect, it } from 'vitest';
import { regionOfCountry } from '../../src/domain/normalize/country-region.js';

describe('regionOfCountry', () => {
  it.each([
    ['United States', 'US'], // HubSpot Country/Region, Intercom Country
    ['USA', 'US'], // Salesforce Mailing Country as often typed
    ['U.S.A.', 'US'],
    ['US', 'US'], // Shopify Default Address Country Code, Mailchimp CC
    ['us', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['England', 'GB'],
    ['Japan', 'JP'],
    ['日本', 'JP'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'], // Zoho set to German
    ['Brazil', 'BR'],
    ['Brasil', 'BR'],
    ['China', 'CN'],
    ['中国', 'CN'],
    ['中國', 'CN'],
    ['中国大陆', 'CN'],
    ['美国', 'US'],
    ['香港', 'HK'],
    ['Hong Kong', 'HK'],
    ['台灣', 'TW'],
    ['  south korea ', 'KR'],
    ['ＵＳＡ', 'US'], // full-width
  ])('%j → %s', (value, region) => {
    expect(regionOfCountry(value)).toBe(region);
  });

  it.each(['', 'Atlantis', 'Earth', 'ZZ', 'California'])('%j names no region', (value) => {
    expect(regionOfCountry(value)).toBeNull();
  });
});
