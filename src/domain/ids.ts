import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Kith ids are opaque strings with a recognisable prefix (`ct_01J…`) so an importer can tell a Kith id
 * from another system's id. The ULID part is time-ordered, which keeps cursor pagination stable.
 */
export const ID_PREFIXES = {
  contact: 'ct',
  user: 'usr',
  token: 'tok',
  tag: 'tag',
  group: 'grp',
  event: 'evt',
  audit: 'aud',
  email: 'em',
  phone: 'ph',
  identity: 'idn',
  import: 'imp',
  job: 'job',
  duplicateScan: 'dsc',
  duplicatePair: 'dup',
  duplicateCluster: 'dcl',
  merge: 'mrg',
  deletion: 'del',
  team: 'team',
  inbox: 'inb',
  conversation: 'cnv',
  message: 'msg',
  conversationEvent: 'cev',
  rule: 'rule',
  automationLog: 'alog',
  webhookEndpoint: 'whk',
  webhookDelivery: 'whd',
  order: 'ord',
  syncConnection: 'syn',
  syncRun: 'synr',
  syncConflict: 'sycf',
  export: 'exp',
  savedImportMapping: 'map',
  importUpload: 'upl',
  userInvite: 'inv',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// ulid's own generator asks the system for one random byte per character (16 calls each
// millisecond); bulk writers create thousands of ids a second, so draw the bytes from a pool instead.
const randomPool = new Uint8Array(4096);
let poolIndex = randomPool.length;
function pooledRandom(): number {
  if (poolIndex === randomPool.length) {
    randomFillSync(randomPool);
    poolIndex = 0;
  }
  return randomPool[poolIndex++]! / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid().toLowerCase()}`;
}

export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
