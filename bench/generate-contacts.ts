/**
 * Deterministic generator of messy customer lists for benchmarks and tests: Chinese and Western names,
 * phones in the formats people type, emails, tags, five custom attributes, about 2% rows duplicating an
 * earlier row's email and 3% rows with an invalid value. Rows `offset … offset+n-1` are reproducible.
 */
import fs from 'node:fs';
import { once } from 'node:events';

const FAMILY = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
];
const FIRST = [
  'James',
  'Mary',
  'John',
  'Linda',
  'Robert',
  'Emma',
  'David',
  'Sofia',
  'Lucas',
  'Chloé',
  'Jürgen',
  'Ana',
];
const LAST = [
  'Smith',
  'Johnson',
  'Brown',
  'García',
  'Müller',
  'Rossi',
  'Martin',
  'Silva',
  'Kim',
  'Nguyen',
  "O'Brien",
];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const CITIES = ['上海', '北京', '杭州', '深圳', 'London', 'Berlin', 'Paris'];

export const GENERATED_HEADER = [
  '姓名',
  '手机号码',
  '邮箱',
  '客户标签',
  '城市',
  'external_id',
  'tier',
  'points',
  'vip',
  'joined',
  'note',
];

/** The custom attributes of the generated columns (tier … note), to define before importing them. */
export const GENERATED_ATTRIBUTES = [
  { key: 'tier', type: 'list', options: ['Gold', 'Silver', 'Bronze'] },
  { key: 'points', type: 'number', options: null },
  { key: 'vip', type: 'boolean', options: null },
  { key: 'joined', type: 'date', options: null },
  { key: 'note', type: 'text', options: null },
] as const;

/** xorshift32: fast, seedable, good enough to vary test data. */
function rng(seed: number) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function phoneFor(i: number, r: () => number): string {
  const n = String(13_000_000_000 + i * 7 + 1_000_000);
  const forms = [
    () => n,
    () => `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    () => `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
    () => `0086${n}`,
    () => n.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
  ];
  return forms[Math.floor(r() * forms.length)]!();
}

export function generateRow(i: number, seed = 42): string[] {
  const r = rng(seed * 1_000_003 + i);
  r();
  const chinese = r() < 0.6;
  const name = chinese
    ? `${FAMILY[i % FAMILY.length]}${GIVEN[Math.floor(r() * GIVEN.length)]}`
    : `${FIRST[i % FIRST.length]} ${LAST[Math.floor(r() * LAST.length)]}`;
  let email = `user${i}@example${i % 7}.com`;
  let phone = phoneFor(i, r);
  let joined = `20${String(10 + (i % 15)).padStart(2, '0')}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const roll = r();
  if (roll < 0.02 && i > 10)
    email = `user${i - 7}@example${(i - 7) % 7}.com`; // in-file duplicate
  else if (roll < 0.03)
    phone = '12345'; // invalid phone
  else if (roll < 0.04)
    email = `user${i}.example.com`; // invalid email
  else if (roll < 0.05) joined = '2024-02-30'; // invalid date
  return [
    name,
    phone,
    email,
    i % 3 === 0 ? 'VIP;老客户' : i % 3 === 1 ? 'newsletter' : '',
    CITIES[i % CITIES.length]!,
    `EXT-${i}`,
    TIERS[i % 3]!,
    String(i % 1000),
    i % 2 === 0 ? 'true' : 'false',
    joined,
    `note ${i}`,
  ];
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export async function writeGeneratedCsv(path: string, n: number, offset = 0, seed = 42): Promise<void> {
  const out = fs.createWriteStream(path);
  out.write(`${GENERATED_HEADER.join(',')}\n`);
  let chunk = '';
  for (let i = offset; i < offset + n; i++) {
    chunk += `${generateRow(i, seed).map(csvCell).join(',')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
}
