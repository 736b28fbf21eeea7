/**
 * Prevention at entry: scores a would-be contact against the existing ones that could be the same
 * person (sharing an e-mail mailbox or local part, the last digits of a phone, an identity, a name, a
 * birthday), with the model of the last full scan (or generic parameters before any scan). The
 * `on_create` policy decides whether creating a `match` is blocked or allowed with a warning.
 */
import { bandAboveReview, identifiersDiffer, pairBand } from './model/pair-band.js';
import {
  type Contact,
  type ContactState,
  emptyContactState,
  SCALAR_FIELDS,
} from '../domain/contact/contact-fields.js';
import { applyContactPatch, normalizeContactInput } from '../domain/contact/contact-patch.js';
import { KithError, ValidationError } from '../domain/errors.js';
import { loadContacts } from '../contacts/contact-repository.js';
import type { ContactService } from '../contacts/contact-service.js';
import type { Store } from '../store/database.js';
import { DuplicateSettingsService } from './duplicate-settings-service.js';
import type { DuplicateBand } from './find-duplicates.js';
import type { CandidatePairs } from './model/blocking-plan.js';
import type { DuplicateScanService } from './duplicate-scan-service.js';
import {
  explainPair,
  type FieldContribution,
  levelWeights,
  matchWeight,
  type TrainedModel,
  trainModel,
  weightToProbability,
} from './model/fellegi-sunter-model.js';
import { bandThresholds } from './model/derive-thresholds.js';
import type { FieldRule, MatchingRules } from './model/matching-rules.js';
import { PreparedRecords, type RawColumn } from './model/prepared-records.js';

export interface DuplicateCandidate {
  contact_id: string;
  score: number;
  band: DuplicateBand;
  explanation: FieldContribution[];
  /**
   * The would-be contact's unique keys this customer already holds (`email`, `phone`,
   * `identity.<type>`): creating it would be refused as an ownership conflict, so it is listed
   * whatever its score.
   */
  held_keys: string[];
}

/** Two customers scored under rules not yet saved: what a scan with those rules would say of them. */
export interface RulesTrial {
  contact_ids: [string, string];
  score: number;
  band: DuplicateBand | 'none';
  thresholds: { match: number; review: number };
  /** `last_scan`: the weights the last full scan learnt for exactly these fields; else generic ones. */
  model: 'last_scan' | 'generic';
  explanation: FieldContribution[];
}

const CANDIDATES_PER_KEY = 200;
/** Before any scan: the chance that an existing contact is the person being entered. */
const CHECK_PRIOR = 0.001;

/** The unique keys of `probe` (normalised as stored) that `owner` already holds. */
export function heldKeys(owner: Contact, probe: ContactState): string[] {
  const held: string[] = [];
  const ownerEmails = new Set([owner.email, ...owner.additional_emails]);
  if ([probe.email, ...probe.additional_emails].some((e) => e !== null && ownerEmails.has(e)))
    held.push('email');
  const ownerPhones = new Set([owner.phone, ...owner.additional_phones]);
  if ([probe.phone, ...probe.additional_phones].some((p) => p !== null && ownerPhones.has(p)))
    held.push('phone');
  for (const [type, value] of Object.entries(probe.identities))
    if (owner.identities[type] === value) held.push(`identity.${type}`);
  return held;
}

/** Raw column values of `field` for contacts in the wire shape. */
export function columnOf(contacts: readonly Contact[], field: string): RawColumn {
  return contacts.map((c) => {
    if (field === 'email') return [c.email, ...c.additional_emails].filter((v): v is string => v !== null);
    if (field === 'phone') return [c.phone, ...c.additional_phones].filter((v): v is string => v !== null);
    if (field.startsWith('identity.')) return c.identities[field.slice(9)] ?? null;
    if (field.startsWith('attr.')) {
      const v = c.attributes[field.slice(5)];
      return v === undefined ? null : String(v);
    }
    if ((SCALAR_FIELDS as readonly string[]).includes(field))
      return (c as unknown as Record<string, string | null>)[field] ?? null;
    return null;
  });
}

export class DuplicateCheckService {
  constructor(
    private readonly store: Store,
    private readonly contacts: ContactService,
    private readonly scans: DuplicateScanService,
  ) {}

  private get db() {
    return this.store.db;
  }

  /** Existing contacts scoring at least `review` against the input, strongest first. */
  async check(input: unknown, options: { exceptId?: string } = {}): Promise<DuplicateCandidate[]> {
    const patch = normalizeContactInput(input, await this.contacts.normalizeContext());
    const state = applyContactPatch(emptyContactState(), patch);
    const ids = await this.candidateIds(state);
    if (options.exceptId) ids.delete(options.exceptId);
    if (ids.size === 0) return [];
    const existing = [...(await loadContacts(this.db, [...ids])).values()];
    const probe: Contact = { ...state, id: 'probe', created_at: '', updated_at: '' };
    const all = [...existing, probe];
    const settings = new DuplicateSettingsService(this.db);
    const { rules } = await settings.rules();
    const records = new PreparedRecords(
      all.map((c) => c.id),
      rules.fields,
      new Map(rules.fields.map((f: FieldRule) => [f.field, columnOf(all, f.field)])),
    );
    const model = await this.model(records);
    // The same bands as the scan that trained the model.
    const thresholds = bandThresholds(rules, model);
    const weights = levelWeights(model);
    const probeIndex = all.length - 1;
    const candidates: DuplicateCandidate[] = [];
    for (let i = 0; i < existing.length; i++) {
      const levels = records.fields.map((f) => f.compare(i, probeIndex));
      const probability = weightToProbability(matchWeight(model, weights, records, levels, i, probeIndex));
      const held = heldKeys(existing[i]!, state);
      if (probability < thresholds.review && held.length === 0) continue;
      candidates.push({
        contact_id: existing[i]!.id,
        score: Math.round(probability * 1e6) / 1e6,
        band: bandAboveReview(probability, thresholds, identifiersDiffer(records.fields, levels)),
        explanation: explainPair(model, records, i, probeIndex),
        held_keys: held,
      });
    }
    return candidates.sort((a, b) => b.score - a.score);
  }

  /**
   * Scores two existing customers under draft rules (validated as saving them would be), with the model
   * the last full scan learnt when its fields are the draft's, else generic weights.
   */
  async tryRules(input: unknown, contactIds: readonly string[]): Promise<RulesTrial> {
    return this.scoreUnder(new DuplicateSettingsService(this.db).parseRules(input), contactIds);
  }

  /**
   * Scores two existing customers as a scan with the saved rules would (the customers compared side by
   * side without a stored pair: a group, a merge's records, a link shared by hand).
   */
  async scoreTwo(contactIds: readonly string[], field = 'ids'): Promise<RulesTrial> {
    const { rules } = await new DuplicateSettingsService(this.db).rules();
    return this.scoreUnder(rules, contactIds, field);
  }

  private async scoreUnder(
    rules: MatchingRules,
    contactIds: readonly string[],
    field = 'contact_ids',
  ): Promise<RulesTrial> {
    const [a, b] = contactIds;
    if (contactIds.length !== 2 || !a || !b || a === b) {
      throw new ValidationError(field, contactIds, 'name two different customers');
    }
    const loaded = await loadContacts(this.db, [a, b]);
    for (const id of [a, b]) if (!loaded.has(id)) throw new ValidationError(field, id, 'no such customer');
    const both = [loaded.get(a)!, loaded.get(b)!];
    const records = new PreparedRecords(
      [a, b],
      rules.fields,
      new Map(rules.fields.map((f: FieldRule) => [f.field, columnOf(both, f.field)])),
    );
    const stored = await this.scans.lastFullModel(records.fields.map((f) => f.rule));
    const model = stored ?? this.genericModel(records, rules.prior);
    const thresholds = bandThresholds(rules, model);
    const levels = records.fields.map((f) => f.compare(0, 1));
    const probability = weightToProbability(matchWeight(model, levelWeights(model), records, levels, 0, 1));
    return {
      contact_ids: [a, b],
      score: Math.round(probability * 1e6) / 1e6,
      band: pairBand(probability, thresholds, identifiersDiffer(records.fields, levels)),
      thresholds: { match: thresholds.match, review: thresholds.review },
      model: stored ? 'last_scan' : 'generic',
      explanation: explainPair(model, records, 0, 1),
    };
  }

  /**
   * Applies the `on_create` policy before a contact is created: `block` refuses a `match` (409 naming
   * it), `warn` lets it through and returns the candidates for the caller to show.
   */
  async guardCreate(input: unknown): Promise<DuplicateCandidate[]> {
    const candidates = await this.check(input);
    const policy = await new DuplicateSettingsService(this.db).policy();
    const match = candidates.find((c) => c.band === 'match');
    if (match && policy.on_create === 'block') {
      throw new KithError(
        'likely_duplicate',
        `this contact looks like ${match.contact_id} (score ${match.score}); update that contact or merge instead`,
        409,
        { existing_id: match.contact_id, score: match.score, candidates },
      );
    }
    return candidates;
  }

  private async model(records: PreparedRecords): Promise<TrainedModel> {
    const stored = await this.scans.lastFullModel(records.fields.map((f) => f.rule));
    return stored ?? this.genericModel(records);
  }

  /** Generic weights: nothing learnt from the data, the comparators' own m and u. */
  private genericModel(records: PreparedRecords, prior = CHECK_PRIOR): TrainedModel {
    const none: CandidatePairs = {
      a: new Int32Array(0),
      b: new Int32Array(0),
      rulesMatched: new Uint16Array(0),
      count: 0,
      rules: [],
    };
    return trainModel(records, none, new Int8Array(0), prior);
  }

  private async candidateIds(state: ContactState): Promise<Set<string>> {
    const ids = new Set<string>();
    const add = (rows: { contact_id: string }[]) => rows.forEach((r) => ids.add(r.contact_id));
    const emails = [state.email, ...state.additional_emails].filter((v): v is string => v !== null);
    for (const email of emails) {
      const local = email.slice(0, email.lastIndexOf('@'));
      add(
        await this.db
          .selectFrom('contact_emails')
          .select('contact_id')
          .where('deleted_at', 'is', null)
          .where((eb) =>
            eb.or([eb('value', '=', email), eb('value', 'like', `${local.replace(/[\\%_]/g, '')}@%`)]),
          )
          .limit(CANDIDATES_PER_KEY)
          .execute(),
      );
    }
    const phones = [state.phone, ...state.additional_phones].filter((v): v is string => v !== null);
    for (const phone of phones) {
      const tail = phone.replace(/\D/g, '').slice(-8);
      add(
        await this.db
          .selectFrom('contact_phones')
          .select('contact_id')
          .where('deleted_at', 'is', null)
          .where('value', 'like', `%${tail}`)
          .limit(CANDIDATES_PER_KEY)
          .execute(),
      );
    }
    for (const [type, value] of Object.entries(state.identities)) {
      add(
        await this.db
          .selectFrom('contact_identities')
          .select('contact_id')
          .where('deleted_at', 'is', null)
          .where('type', '=', type)
          .where('value', '=', value)
          .execute(),
      );
    }
    for (const field of ['name', 'last_name', 'birthday', 'company'] as const) {
      const value = state[field];
      if (value === null) continue;
      const rows = await this.db
        .selectFrom('contacts')
        .select('id as contact_id')
        .where('deleted_at', 'is', null)
        .where(field, '=', value)
        .limit(CANDIDATES_PER_KEY)
        .execute();
      add(rows);
    }
    return ids;
  }
}
