/**
 * Synthetic customers with known duplicates, for the scale benchmark: N records (Chinese and Western
 * names, phones, e-mails, birthdays, cities, addresses) of which a known share are corrupted copies of
 * an earlier record, the way duplicates arise in practice: a typo or a nickname, traditional characters
 * or pinyin for a Chinese name, a Gmail dot or +tag variant, a phone typed without its country code or
 * with one wrong digit, day and month swapped, a field left empty. Each copy derives from the
 * person's first record (a person signing up again), not from another copy. Copies never repeat an exact e-mail
 * or phone (Kith keeps those unique, so such copies could not exist as separate contacts).
 * Deterministic: the same N and seed give the same records and truth.
 */
import { pinyin } from 'pinyin-pro';
import type { ContactState } from '../../src/domain/contact/contact-fields.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { seededRandom } from '../../src/dedupe/model/seeded-random.js';

const FAMILY = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玉珍红霞平刚桂兰建文辉鹏宇浩凯健俊帆晨轩嘉博琳欣怡婷雪琪瑶佳悦欢晶妍茜莹梦琦馨诗雨思宁安春秋冬梅竹松柏',
];
const TRADITIONAL: Record<string, string> = {
  张: '張',
  伟: '偉',
  陈: '陳',
  刘: '劉',
  杨: '楊',
  黄: '黃',
  赵: '趙',
  吴: '吳',
  马: '馬',
  郑: '鄭',
  丽: '麗',
  华: '華',
  军: '軍',
  红: '紅',
  龙: '龍',
  强: '強',
  涛: '濤',
  鹏: '鵬',
  凯: '凱',
  婷: '婷',
  梦: '夢',
  诗: '詩',
  宁: '寧',
  兰: '蘭',
  谢: '謝',
  许: '許',
  韩: '韓',
  冯: '馮',
  邓: '鄧',
  叶: '葉',
};
const FIRST =
  'James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda George Melissa Edward Deborah Ronald Stephanie Timothy Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Helen Stephen Anna Larry Brenda Justin Pamela Scott Nicole Brandon Emma Benjamin Samantha Samuel Katherine Gregory Christine Frank Debra Alexander Rachel Raymond Catherine Patrick Carolyn Jack Janet Dennis Ruth Jerry Maria Tyler Heather Aaron Diane Jose Virginia Adam Julie Henry Joyce Nathan Victoria Douglas Olivia Zachary Kelly Peter Christina Kyle Lauren Walter Joan Ethan Evelyn Jeremy Judith Harold Megan Keith Cheryl Christian Andrea Roger Hannah Noah Martha Gerald Jacqueline Carl Frances Terry Gloria Sean Ann Austin Teresa Arthur Kathryn Lawrence Sara Jesse Janice Dylan Jean Bryan Alice Joe Madison Jordan Doris Billy Abigail Bruce Julia Albert Judy Willie Grace Gabriel Denise Logan Amber Alan Marilyn Juan Beverly Wayne Danielle Roy Theresa Ralph Sophia Randy Marie Eugene Diana Vincent Brittany Russell Natalie Elijah Isabella Louis Charlotte Bobby Rose Philip Alexis Johnny Kayla'.split(
    ' ',
  );
const LAST =
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez Mcdonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval'.split(
    ' ',
  );
const NICKNAMES: Record<string, string> = {
  Robert: 'Bob',
  William: 'Bill',
  Richard: 'Rick',
  James: 'Jim',
  Michael: 'Mike',
  Thomas: 'Tom',
  Joseph: 'Joe',
  Elizabeth: 'Liz',
  Katherine: 'Kate',
  Jennifer: 'Jenny',
  Margaret: 'Maggie',
  Daniel: 'Dan',
  Matthew: 'Matt',
  Anthony: 'Tony',
  Andrew: 'Andy',
  Christopher: 'Chris',
  Patricia: 'Patty',
  Rebecca: 'Becky',
  Samuel: 'Sam',
  Benjamin: 'Ben',
};
const CN_CITIES = [
  '北京',
  '上海',
  '广州',
  '深圳',
  '杭州',
  '成都',
  '南京',
  '武汉',
  '西安',
  '苏州',
  '天津',
  '重庆',
  '长沙',
  '郑州',
  '青岛',
];
const EN_CITIES = [
  'London',
  'Manchester',
  'Leeds',
  'Bristol',
  'New York',
  'Boston',
  'Chicago',
  'Seattle',
  'Sydney',
  'Melbourne',
  'Toronto',
  'Dublin',
];
const ROADS_CN = [
  '文三路',
  '人民路',
  '中山路',
  '解放路',
  '建设路',
  '和平路',
  '长江路',
  '南京路',
  '延安路',
  '湖滨路',
];
const ROADS_EN = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Park Avenue',
  'Queen Street',
  'Mill Road',
  'Victoria Road',
  'Green Lane',
];
const DOMAINS = ['gmail.com', 'qq.com', '163.com', 'outlook.com', 'example.com', 'yahoo.com'];

export interface GeneratedData {
  records: ContactState[];
  /** Entity number of each record: records with the same entity are the same person. */
  entity: Int32Array;
  truePairs: number;
}

export function generateDuplicates(
  n: number,
  options: { duplicateShare?: number; seed?: number } = {},
): GeneratedData {
  const random = seededRandom(options.seed ?? 2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const duplicateShare = options.duplicateShare ?? 0.2;
  const records: ContactState[] = [];
  const entity = new Int32Array(n);
  const usedEmails = new Set<string>();
  const usedPhones = new Set<string>();
  const members: number[][] = [];
  const uniquePhone = (phone: string) => {
    let p = phone;
    while (usedPhones.has(p)) p = p.slice(0, -4) + String(Math.floor(random() * 10_000)).padStart(4, '0');
    usedPhones.add(p);
    return p;
  };
  const typo = (s: string) => {
    if (s.length < 3) return s;
    const i = 1 + Math.floor(random() * (s.length - 2));
    const kind = random();
    if (kind < 0.33) return s.slice(0, i) + s.slice(i + 1); // dropped letter
    if (kind < 0.66) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); // swapped letters
    return s.slice(0, i) + 'aeiou'[Math.floor(random() * 5)] + s.slice(i + 1); // wrong letter
  };

  for (let r = 0; r < n; r++) {
    // A duplicate is a person signing up again: it derives from that person's first record.
    const copyOf =
      members.length > 0 && random() < duplicateShare
        ? members[Math.floor(random() * members.length)]![0]!
        : -1;
    if (copyOf < 0) {
      const state = emptyContactState();
      const chinese = random() < 0.5;
      if (chinese) {
        state.last_name = pick(FAMILY);
        state.first_name = pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : '');
        state.name = state.last_name + state.first_name;
        state.city = pick(CN_CITIES);
        state.address = `${state.city}市${pick(ROADS_CN)}${1 + Math.floor(random() * 300)}号`;
      } else {
        state.first_name = pick(FIRST);
        state.last_name = pick(LAST);
        state.name = `${state.first_name} ${state.last_name}`;
        state.city = pick(EN_CITIES);
        state.address = `${1 + Math.floor(random() * 300)} ${pick(ROADS_EN)}`;
      }
      state.gender = random() < 0.5 ? 'female' : 'male';
      const y = 1950 + Math.floor(random() * 55);
      const m = 1 + Math.floor(random() * 12);
      const d = 1 + Math.floor(random() * 28);
      state.birthday =
        random() < 0.85 ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : null;
      state.phone =
        random() < 0.9
          ? uniquePhone(
              `+861${3 + Math.floor(random() * 6)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
            )
          : null;
      const local = chinese
        ? `user${r}`
        : `${state.first_name!.toLowerCase()}.${state.last_name!.toLowerCase()}${r % 1000}`;
      const email = `${local}@${pick(DOMAINS)}`;
      state.email = random() < 0.8 && !usedEmails.has(email) ? email : null;
      if (state.email) usedEmails.add(state.email);
      records.push(state);
      entity[r] = members.length;
      members.push([r]);
      continue;
    }
    const original = records[copyOf]!;
    const state: ContactState = structuredClone(original);
    entity[r] = entity[copyOf]!;
    members[entity[r]!]!.push(r);
    const chinese = /\p{Script=Han}/u.test(original.name ?? '');
    // Name: mostly kept, else a typo, a nickname, traditional characters or pinyin.
    const nameChange = random();
    if (chinese && original.last_name && original.first_name && nameChange < 0.2) {
      state.last_name = [...original.last_name].map((c) => TRADITIONAL[c] ?? c).join('');
      state.first_name = [...original.first_name].map((c) => TRADITIONAL[c] ?? c).join('');
      state.name = state.last_name + state.first_name;
    } else if (chinese && nameChange < 0.3) {
      // Written in pinyin, as on a foreign form: 张伟 → Zhang Wei.
      state.name = pinyin(original.name!, { toneType: 'none', surname: 'head', type: 'array' })
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join(' ');
      state.first_name = null;
      state.last_name = null;
    } else if (!chinese && original.first_name && original.last_name && nameChange < 0.2) {
      state.first_name = typo(original.first_name!);
      state.name = `${state.first_name} ${state.last_name}`;
    } else if (!chinese && original.first_name && nameChange < 0.3) {
      state.first_name = NICKNAMES[original.first_name!] ?? original.first_name!.slice(0, 1);
      state.name = `${state.first_name} ${state.last_name}`;
    } else if (!chinese && original.first_name && original.last_name && nameChange < 0.4) {
      state.last_name = typo(original.last_name!);
      state.name = `${state.first_name} ${state.last_name}`;
    }
    // E-mail: never the same string; a Gmail-style variant, a typo, another provider, or none.
    const emailChange = random();
    if (original.email && emailChange < 0.3) {
      const [local, domain] = original.email.split('@') as [string, string];
      const variant =
        domain === 'gmail.com' ? `${local.replace('.', '')}+shop@gmail.com` : `${typo(local)}@${domain}`;
      state.email = usedEmails.has(variant) ? null : variant;
    } else if (original.email && emailChange < 0.6) {
      const variant = `${original.email.split('@')[0]}@${pick(DOMAINS)}`;
      state.email = usedEmails.has(variant) ? null : variant;
    } else state.email = null;
    if (state.email) usedEmails.add(state.email);
    // Phone: one wrong digit, or none (the same number would belong to the original).
    state.phone =
      original.phone && random() < 0.5
        ? uniquePhone(original.phone.slice(0, -3) + typo(original.phone.slice(-3)))
        : null;
    if (state.phone && !/^\+861\d{10}$/.test(state.phone)) state.phone = null;
    // Birthday: kept, day/month swapped, a digit off, or missing.
    const dateChange = random();
    if (original.birthday && dateChange < 0.1) {
      const [y, m, d] = original.birthday.split('-') as [string, string, string];
      state.birthday =
        Number(d) <= 12
          ? `${y}-${d}-${m}`
          : `${y}-${m}-${String(Math.max(1, Number(d) - 1)).padStart(2, '0')}`;
    } else if (dateChange < 0.15) state.birthday = null;
    if (random() < 0.15) state.address = null;
    if (random() < 0.05) state.city = null;
    records.push(state);
  }
  let truePairs = 0;
  for (const group of members) truePairs += (group.length * (group.length - 1)) / 2;
  return { records, entity, truePairs };
}

/**
 * The "register" profile, like a historical population register (the held-out set of issue 19):
 * people with 1–20 records each, names drawn from a skewed (Zipf) distribution so that many different
 * people share a name, and every record written down separately: nicknames, initials, middle names
 * and missing parts in names; dates of birth with a digit wrong, day and month swapped, the year only
 * or missing; towns, postcodes and occupations as free text, changing or missing. Rows are CSV-ready
 * (`id`, `first_name`, `surname`, `dob`, `birth_place`, `postcode`, `gender`, `occupation`).
 * Deterministic: the same N and seed give the same rows and truth.
 */
export const REGISTER_COLUMNS = [
  'id',
  'first_name',
  'surname',
  'dob',
  'birth_place',
  'postcode',
  'gender',
  'occupation',
] as const;

export interface RegisterData {
  rows: string[][];
  /** Person number of each row. */
  entity: Int32Array;
  truePairs: number;
}

const TOWNS =
  'London;Manchester;Liverpool;Birmingham;Leeds;Sheffield;Bristol;Newcastle upon Tyne;Nottingham;Leicester;Bradford;Hull;Plymouth;Stoke-on-Trent;Wolverhampton;Derby;Southampton;Portsmouth;York;Bath;Exeter;Norwich;Ipswich;Cambridge;Oxford;Reading;Brighton;Canterbury;Dover;Chester;Carlisle;Durham;Sunderland;Preston;Blackburn;Bolton;Wigan;Oldham;Rochdale;Halifax;Huddersfield;Wakefield;Doncaster;Lincoln;Peterborough;Northampton;Coventry;Worcester;Gloucester;Hereford;Shrewsbury;Swansea;Cardiff;Newport;Glasgow;Edinburgh;Aberdeen;Dundee;Belfast;Dublin;St Albans;St Helens;Kings Lynn;Bury St Edmunds;Great Yarmouth;West Bromwich;Sutton Coldfield;Kingston upon Thames;Tunbridge Wells;Weston-super-Mare'.split(
    ';',
  );
const TOWN_VARIANTS: Record<string, string> = {
  'Newcastle upon Tyne': 'Newcastle',
  'St Albans': 'Saint Albans',
  'St Helens': 'Saint Helens',
  'Kings Lynn': "King's Lynn",
  'Kingston upon Thames': 'Kingston',
  'Tunbridge Wells': 'Royal Tunbridge Wells',
  'Stoke-on-Trent': 'Stoke on Trent',
  'Weston-super-Mare': 'Weston super Mare',
  Hull: 'Kingston upon Hull',
  London: 'London, Middlesex',
};
const OCCUPATIONS =
  'labourer;farmer;clerk;domestic servant;coal miner;carpenter;blacksmith;teacher;nurse;shopkeeper;tailor;dressmaker;shoemaker;baker;butcher;publican;railway porter;engine driver;police constable;soldier;sailor;fisherman;weaver;cotton spinner;bricklayer;plumber;painter;printer;solicitor;physician;clergyman;engineer;draper;grocer;gardener;coachman;groom;housekeeper;cook;laundress;schoolmaster;accountant;architect;surveyor;mason;joiner;wheelwright;cooper;saddler;miller'.split(
    ';',
  );
const OCCUPATION_VARIANTS: Record<string, string> = {
  labourer: 'general labourer',
  farmer: 'farmer of 40 acres',
  clerk: 'commercial clerk',
  'domestic servant': 'servant',
  'coal miner': 'coal hewer',
  carpenter: 'carpenter and joiner',
  teacher: 'school teacher',
  nurse: 'sick nurse',
  'railway porter': 'porter',
  'engine driver': 'locomotive engine driver',
  weaver: 'cotton weaver',
  bricklayer: "bricklayer's labourer",
  physician: 'doctor of medicine',
  engineer: 'mechanical engineer',
  grocer: 'grocer and draper',
};
/** A register's nicknames are its own century's: more than the scale profile's. */
const REGISTER_NICKNAMES: Record<string, string[]> = {
  ...Object.fromEntries(Object.entries(NICKNAMES).map(([k, v]) => [k, [v]])),
  William: ['Will', 'Bill', 'Billy'],
  Elizabeth: ['Liz', 'Beth', 'Betty', 'Eliza'],
  Margaret: ['Maggie', 'Peggy', 'Meg'],
  Mary: ['Polly', 'Molly'],
  John: ['Jack', 'Johnny'],
  Henry: ['Harry', 'Hal'],
  Charles: ['Charlie', 'Chas'],
  Edward: ['Ted', 'Ned', 'Eddie'],
  Catherine: ['Kate', 'Kitty'],
  Sarah: ['Sally'],
  Ann: ['Annie', 'Nancy'],
  Frances: ['Fanny'],
  Richard: ['Dick', 'Rick'],
  Alexander: ['Alex', 'Sandy'],
};

/** An index in 0..size-1 drawn with weight 1/(rank+1): a few values are very common, most are rare. */
function zipfPicker(size: number, random: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let k = 0; k < size; k++) cumulative[k] = total += 1 / (k + 1);
  return () => {
    const x = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < x) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export function generateRegister(n: number, options: { seed?: number } = {}): RegisterData {
  const random = seededRandom(options.seed ?? 1911);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // FIRST alternates male and female names.
  const male = FIRST.filter((_, k) => k % 2 === 0);
  const female = FIRST.filter((_, k) => k % 2 === 1);
  const maleName = zipfPicker(male.length, random);
  const femaleName = zipfPicker(female.length, random);
  const surname = zipfPicker(LAST.length, random);
  const town = zipfPicker(TOWNS.length, random);
  const occupation = zipfPicker(OCCUPATIONS.length, random);
  const letters = 'ABCDEFGHJKLMNPRSTUWY';
  const typo = (s: string) => {
    if (s.length < 3) return s;
    const i = 1 + Math.floor(random() * (s.length - 2));
    const kind = random();
    if (kind < 0.33) return s.slice(0, i) + s.slice(i + 1);
    if (kind < 0.66) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    return s.slice(0, i) + 'aeiourn'[Math.floor(random() * 7)] + s.slice(i + 1);
  };
  const rows: string[][] = [];
  const entity = new Int32Array(n);
  let truePairs = 0;
  let person = 0;
  while (rows.length < n) {
    const isMale = random() < 0.5;
    const first = isMale ? male[maleName()]! : female[femaleName()]!;
    const middle = isMale ? male[maleName()]! : female[femaleName()]!;
    const last = LAST[surname()]!;
    const y = 1850 + Math.floor(random() * 70);
    const m = 1 + Math.floor(random() * 12);
    const d = 1 + Math.floor(random() * 28);
    const dob = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const birthPlace = TOWNS[town()]!;
    const postcode = `${pick([...letters])}${pick([...letters])}${1 + Math.floor(random() * 20)} ${Math.floor(random() * 10)}${pick([...letters])}${pick([...letters])}`;
    const job = OCCUPATIONS[occupation()]!;
    const count = Math.min(1 + Math.floor(random() * 20), n - rows.length);
    truePairs += (count * (count - 1)) / 2;
    for (let c = 0; c < count; c++) {
      const r = rows.length;
      entity[r] = person;
      let firstName: string = first;
      const f = random();
      if (f < 0.1) firstName = pick(REGISTER_NICKNAMES[first] ?? [first]);
      else if (f < 0.18) firstName = first.slice(0, 1);
      else if (f < 0.26) firstName = typo(first);
      else if (f < 0.3) firstName = '';
      else if (f < 0.36) firstName = `${first} ${random() < 0.5 ? middle : middle.slice(0, 1)}`;
      let lastName: string = last;
      const l = random();
      if (l < 0.1) lastName = typo(last);
      else if (l < 0.14) lastName = '';
      else if (l < 0.16) lastName = last.toUpperCase();
      let birth = dob;
      const b = random();
      if (b < 0.1) {
        const digits = dob.replace(/-/g, '');
        const i = 2 + Math.floor(random() * 6);
        const typoed = digits.slice(0, i) + String(Math.floor(random() * 10)) + digits.slice(i + 1);
        birth = `${typoed.slice(0, 4)}-${typoed.slice(4, 6)}-${typoed.slice(6)}`;
      } else if (b < 0.16) birth = `${y}-${String(d).padStart(2, '0')}-${String(m).padStart(2, '0')}`;
      else if (b < 0.26) birth = String(y);
      else if (b < 0.29) birth = `${y + (random() < 0.5 ? -1 : 1)}-${dob.slice(5)}`;
      else if (b < 0.42) birth = '';
      let place = birthPlace;
      const p = random();
      if (p < 0.08) place = TOWN_VARIANTS[birthPlace] ?? birthPlace.toLowerCase();
      else if (p < 0.13) place = typo(birthPlace);
      else if (p < 0.18) place = TOWNS[town()]!;
      else if (p < 0.35) place = '';
      const post =
        random() < 0.55
          ? postcode
          : random() < 0.4
            ? ''
            : postcode.slice(0, -2) + pick([...letters]) + pick([...letters]);
      const g = random();
      const gender = g < 0.9 ? (isMale ? 'male' : 'female') : g < 0.97 ? '' : isMale ? 'female' : 'male';
      let work: string = job;
      const o = random();
      if (o < 0.12) work = OCCUPATION_VARIANTS[job] ?? `retired ${job}`;
      else if (o < 0.2) work = OCCUPATIONS[occupation()]!;
      else if (o < 0.55) work = '';
      rows.push([`r${r}`, firstName, lastName, birth, place, post, gender, work]);
    }
    person++;
  }
  return { rows, entity, truePairs };
}
