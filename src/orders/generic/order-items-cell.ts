/**
 * An order's items written in one cell, as shop exports do: a JSON array of objects (`title`, `sku`,
 * `quantity`, `unit_price` / `price` …), or a list separated by `;`, `；`, `|`, `｜` or line breaks whose
 * entries are `title`, `title x2`, `title ×2`, `title * 2`, each optionally followed by `@ 12.50`.
 * Pure.
 */
import type { OrderItem } from '../order-record.js';
import { centsToDecimal, parseAmountCents } from '../tmall/tmall-quirks.js';

export type ItemsCellReading = { ok: true; items: OrderItem[] } | { ok: false; reason: string };

const item = (over: Partial<OrderItem>): OrderItem => ({
  title: null,
  sku: null,
  external_number: null,
  properties: null,
  package: null,
  quantity: null,
  unit_price: null,
  status: null,
  note: null,
  extra: {},
  ...over,
});

function price(
  raw: unknown,
  entry: number,
): { ok: true; value: string | null } | { ok: false; reason: string } {
  if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
  const parsed = parseAmountCents(String(raw));
  if (!parsed.ok)
    return { ok: false, reason: `item ${entry}: price ${JSON.stringify(raw)} ${parsed.reason}` };
  return { ok: true, value: centsToDecimal(parsed.value) };
}

function quantity(
  raw: unknown,
  entry: number,
): { ok: true; value: number | null } | { ok: false; reason: string } {
  if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    return { ok: false, reason: `item ${entry}: quantity ${JSON.stringify(raw)} is not a whole quantity` };
  return { ok: true, value: n };
}

const text = (v: unknown) =>
  v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim();

function fromJson(parsed: unknown): ItemsCellReading {
  if (!Array.isArray(parsed)) return { ok: false, reason: 'is JSON but not an array of items' };
  const items: OrderItem[] = [];
  for (const [i, raw] of parsed.entries()) {
    const entry = i + 1;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return { ok: false, reason: `item ${entry} is not an object` };
    const o = raw as Record<string, unknown>;
    const q = quantity(o.quantity ?? o.qty, entry);
    if (!q.ok) return q;
    const p = price(o.unit_price ?? o.price, entry);
    if (!p.ok) return p;
    items.push(
      item({
        title: text(o.title ?? o.name),
        sku: text(o.sku),
        external_number: text(o.external_number),
        properties: text(o.properties ?? o.variant),
        quantity: q.value,
        unit_price: p.value,
        status: text(o.status),
        note: text(o.note),
      }),
    );
  }
  return { ok: true, items };
}

const ENTRY = /^(.*?)(?:\s*(?:[x×X*＊]\s*(\d+)))?(?:\s*[@＠]\s*(\S+))?$/u;

export function readItemsCell(value: string | null): ItemsCellReading {
  if (value === null || value.trim() === '') return { ok: true, items: [] };
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, reason: 'starts like JSON but is not valid JSON' };
    }
    return fromJson(parsed);
  }
  const items: OrderItem[] = [];
  const entries = trimmed
    .split(/[;；|｜\n]+/u)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const [i, raw] of entries.entries()) {
    const m = ENTRY.exec(raw)!;
    const title = m[1]!.trim();
    if (title === '') return { ok: false, reason: `item ${i + 1} (${JSON.stringify(raw)}) has no title` };
    const p = price(m[3], i + 1);
    if (!p.ok) return p;
    items.push(item({ title, quantity: m[2] ? Number(m[2]) : 1, unit_price: p.value }));
  }
  return { ok: true, items };
}
