/**
 * Province and city out of a Chinese shipping address as Tmall writes it: `江苏省 南京市 玄武区 中山路1号
 * (210000)`, `上海 上海市 浦东新区 …`, or run together (`浙江省杭州市西湖区…`). A masked part (`****`)
 * is never taken. Pure.
 */
import { isMasked } from './tmall/tmall-quirks.js';

export interface ParsedAddress {
  province: string | null;
  city: string | null;
  /** The address without the trailing postcode. */
  address: string | null;
  postcode: string | null;
}

const MUNICIPALITIES = ['北京', '上海', '天津', '重庆'];
const PROVINCE_END = /^(.+?(?:省|自治区|特别行政区))/u;
const CITY_END = /^(.+?(?:市|自治州|地区|盟))/u;

export function parseChineseAddress(raw: string | null): ParsedAddress {
  if (raw === null || raw.trim() === '') return { province: null, city: null, address: null, postcode: null };
  let text = raw.replace(/\s+/gu, ' ').trim();
  let postcode: string | null = null;
  const zip = /[(（]\s*(\d{6}|0{6})\s*[)）]\s*$/u.exec(text);
  if (zip) {
    postcode = zip[1] === '000000' ? null : zip[1]!;
    text = text.slice(0, zip.index).trim();
  }
  const parts = text.split(' ').filter((p) => p !== '');
  let province: string | null = null;
  let city: string | null = null;
  if (parts.length >= 2) {
    province = parts[0]!;
    city = parts[1]!;
  } else {
    const run = parts[0] ?? '';
    const municipality = MUNICIPALITIES.find((m) => run.startsWith(m));
    if (municipality) {
      province = `${municipality}市`;
      city = province;
    } else {
      const p = PROVINCE_END.exec(run);
      if (p) {
        province = p[1]!;
        const c = CITY_END.exec(run.slice(province.length));
        city = c ? c[1]! : null;
      }
    }
  }
  if (province !== null && MUNICIPALITIES.includes(province)) province = `${province}市`;
  if (isMasked(province)) province = null;
  if (isMasked(city)) city = null;
  return { province, city, address: isMasked(text) ? null : text, postcode };
}
