/**
 * Import mappings saved under a name, shared by the whole team (the wizard's "save mapping", the CLI's
 * `kith import contacts --mapping-name`): the next file from the same tool maps itself. A saved mapping
 * is checked like the mapping an import takes (`checkTarget`: every target writable, no single-value
 * target taken by two columns), so a mapping that saves is one an import accepts for those columns.
 * Anyone who may import may use and save one; only its creator or an admin may change or delete it.
 * The store keeps at most KITH_MAX_SAVED_MAPPINGS (200) of them.
 */
import type { Actor } from '../domain/actor.js';
import {
  ConflictError,
  ForbiddenError,
  KithError,
  NotFoundError,
  ValidationError,
  ValidationErrors,
} from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { assertNoControlCharacters } from '../domain/well-formed-text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import { isUniqueViolation } from '../store/database.js';
import type { SavedImportMappingsTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { checkTarget, type MappingContext, MULTI_COLUMN_TARGETS } from './map/column-mapping.js';

export const MAX_MAPPING_NAME_LENGTH = 100;
export const MAX_MAPPING_COLUMNS = 1000;

export interface SavedMapping {
  id: string;
  name: string;
  /** Column (as the file's header names it) → target, exactly what POST /imports takes as `mapping`. */
  mapping: Record<string, string>;
  created_by: string | null;
  created_at: string;
  updated_by: string | null;
  updated_at: string;
}

function toSavedMapping(row: SavedImportMappingsTable): SavedMapping {
  return {
    id: row.id,
    name: row.name,
    mapping: JSON.parse(row.mapping) as Record<string, string>,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_by: row.updated_by,
    updated_at: row.updated_at,
  };
}

/** The name as stored (trimmed, inner runs of spaces made one) and its unique key (case-folded). */
export function mappingName(value: unknown): { name: string; key: string } {
  if (typeof value !== 'string') throw new ValidationError('name', value ?? null, 'must be a string');
  // On either store: PostgreSQL cannot store NUL, and SQLite kept a name of "\u0000" (not blank); any
  // other control character shows as garbage in the list of mappings.
  assertNoControlCharacters(value, 'name');
  const name = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!name) throw new ValidationError('name', value, 'must not be blank');
  if (name.length > MAX_MAPPING_NAME_LENGTH)
    throw new ValidationError('name', value, `must be at most ${MAX_MAPPING_NAME_LENGTH} characters`);
  return { name, key: name.toLowerCase() };
}

/**
 * Every problem of a mapping to be saved, at once: its shape (an object of column → target text), each
 * target as the import checks it, and single-value targets named by two columns.
 */
export function mappingProblems(value: unknown, ctx: MappingContext): ValidationError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [new ValidationError('mapping', value ?? null, 'must be a JSON object of column → target')];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [new ValidationError('mapping', value, 'must name at least one column')];
  if (entries.length > MAX_MAPPING_COLUMNS)
    return [
      new ValidationError('mapping', `${entries.length} columns`, `may name at most ${MAX_MAPPING_COLUMNS}`),
    ];
  const problems: ValidationError[] = [];
  const byTarget = new Map<string, string>();
  for (const [column, target] of entries) {
    const field = `mapping.${column}`;
    if (!column.trim()) {
      problems.push(new ValidationError('mapping', column, 'a column name must not be blank'));
      continue;
    }
    if (typeof target !== 'string' || !target.trim()) {
      problems.push(
        new ValidationError(
          field,
          target ?? null,
          'must be a target such as email, identity.wechat_openid, attr.vip or ignore',
        ),
      );
      continue;
    }
    const normalized = target === 'external_id' ? 'identity.external_id' : target;
    const problem = checkTarget(normalized, ctx);
    if (problem) {
      problems.push(new ValidationError(field, target, problem));
      continue;
    }
    const previous = byTarget.get(normalized);
    if (previous !== undefined && !MULTI_COLUMN_TARGETS.has(normalized)) {
      problems.push(
        new ValidationError(field, target, `is already the target of column ${JSON.stringify(previous)}`),
      );
      continue;
    }
    byTarget.set(normalized, column);
  }
  return problems;
}

export interface SavedMappingInput {
  name?: unknown;
  mapping?: unknown;
}

export class SavedMappingService {
  constructor(
    private readonly db: Queryable,
    /**
     * The most the store keeps in all (KITH_MAX_SAVED_MAPPINGS, 200): they are the team's, one list
     * every importer is shown and picks from, so the bound is the list's, not each user's.
     */
    private readonly limit: number,
  ) {}

  /**
   * Nothing removes a saved mapping but a person: without a bound, a script (or a wizard saving every
   * file's mapping) could grow the list every importer is shown without end. At the limit a new one is
   * refused, 409 too_many_saved_mappings; renaming or replacing one still works.
   */
  private async checkRoom(name: { name: string; key: string }): Promise<void> {
    const saved = await this.db
      .selectFrom('saved_import_mappings')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const n = Number(saved.n);
    if (n < this.limit) return;
    // A name taken is told first: the wizard then offers to replace that mapping, which needs no room.
    const holder = await this.db
      .selectFrom('saved_import_mappings')
      .select('id')
      .where('name_key', '=', name.key)
      .executeTakeFirst();
    if (holder) throw await this.nameTaken(name.name, name.key);
    throw new KithError(
      'too_many_saved_mappings',
      `${n} import mappings are saved, the most Kith keeps (${this.limit}, KITH_MAX_SAVED_MAPPINGS); delete one no longer used (DELETE /api/imports/mappings/{id}) or save this one over an old one (PUT) instead, or have an administrator raise the limit`,
      409,
      { limit: this.limit, saved: n },
    );
  }

  private async context(): Promise<MappingContext> {
    const [identityTypes, definitions] = await Promise.all([
      new IdentityTypeService(this.db).keys(),
      new AttributeDefinitionService(this.db).list(),
    ]);
    return {
      identityTypes,
      attributeTypes: new Map(definitions.map((d) => [d.key, d.type])),
      createAttributes: false,
    };
  }

  private async checked(input: SavedMappingInput, partial: boolean) {
    const problems: ValidationError[] = [];
    let name: { name: string; key: string } | undefined;
    if (!partial || input.name !== undefined) {
      try {
        name = mappingName(input.name);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        problems.push(e);
      }
    }
    let mapping: Record<string, string> | undefined;
    if (!partial || input.mapping !== undefined) {
      const found = mappingProblems(input.mapping, await this.context());
      if (found.length === 0) mapping = input.mapping as Record<string, string>;
      problems.push(...found);
    }
    if (problems.length === 1) throw problems[0]!;
    if (problems.length > 1) throw new ValidationErrors(problems);
    return { name, mapping };
  }

  private async nameTaken(name: string, key: string): Promise<ConflictError> {
    const holder = await this.db
      .selectFrom('saved_import_mappings')
      .select('id')
      .where('name_key', '=', key)
      .executeTakeFirst();
    return new ConflictError('name', name, holder?.id ?? '', 'saved import mapping');
  }

  async list(): Promise<SavedMapping[]> {
    const rows = await this.db.selectFrom('saved_import_mappings').selectAll().orderBy('name_key').execute();
    return rows.map(toSavedMapping);
  }

  async get(id: string): Promise<SavedMapping> {
    const row = await this.db
      .selectFrom('saved_import_mappings')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('saved import mapping', id);
    return toSavedMapping(row);
  }

  /** By its name, compared as the unique key is (case and spacing aside); the CLI's --mapping-name. */
  async getByName(name: string): Promise<SavedMapping> {
    const { key } = mappingName(name);
    const row = await this.db
      .selectFrom('saved_import_mappings')
      .selectAll()
      .where('name_key', '=', key)
      .executeTakeFirst();
    if (!row) {
      const names = (await this.list()).map((m) => m.name);
      throw new ValidationError(
        'mapping_name',
        name,
        names.length > 0
          ? `no saved mapping has this name (saved: ${names.join(', ')})`
          : 'no saved mapping has this name (none is saved yet)',
      );
    }
    return toSavedMapping(row);
  }

  async create(input: SavedMappingInput, actor: Actor): Promise<SavedMapping> {
    const { name, mapping } = await this.checked(input, false);
    await this.checkRoom(name!);
    const at = nowIso();
    const row: SavedImportMappingsTable = {
      id: newId('savedImportMapping'),
      name: name!.name,
      name_key: name!.key,
      mapping: JSON.stringify(mapping),
      created_by: actor.userId,
      created_at: at,
      updated_by: actor.userId,
      updated_at: at,
    };
    try {
      await this.db.insertInto('saved_import_mappings').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw await this.nameTaken(name!.name, name!.key);
      throw e;
    }
    await appendAuditEntry(this.db, {
      entityType: 'saved_import_mapping',
      entityId: row.id,
      action: 'created',
      changes: [
        { field: 'name', old: null, new: row.name },
        { field: 'mapping', old: null, new: mapping },
      ],
      actor,
      at,
    });
    return toSavedMapping(row);
  }

  /** Renames it or replaces its mapping; its creator or an admin only. */
  async update(
    id: string,
    input: SavedMappingInput,
    actor: Actor,
    actorIsAdmin: boolean,
  ): Promise<SavedMapping> {
    const before = await this.get(id);
    this.assertMayChange(before, actor, actorIsAdmin, 'change');
    const { name, mapping } = await this.checked(input, true);
    const changes: { field: string; old: unknown; new: unknown }[] = [];
    const set: Partial<SavedImportMappingsTable> = {};
    if (name && name.name !== before.name) {
      set.name = name.name;
      set.name_key = name.key;
      changes.push({ field: 'name', old: before.name, new: name.name });
    }
    if (mapping && JSON.stringify(mapping) !== JSON.stringify(before.mapping)) {
      set.mapping = JSON.stringify(mapping);
      changes.push({ field: 'mapping', old: before.mapping, new: mapping });
    }
    if (changes.length === 0) return before;
    const at = nowIso();
    try {
      await this.db
        .updateTable('saved_import_mappings')
        .set({ ...set, updated_by: actor.userId, updated_at: at })
        .where('id', '=', id)
        .execute();
    } catch (e) {
      if (isUniqueViolation(e) && name) throw await this.nameTaken(name.name, name.key);
      throw e;
    }
    await appendAuditEntry(this.db, {
      entityType: 'saved_import_mapping',
      entityId: id,
      action: 'updated',
      changes,
      actor,
      at,
    });
    return this.get(id);
  }

  /** Deletes it; its creator or an admin only. */
  async remove(id: string, actor: Actor, actorIsAdmin: boolean): Promise<void> {
    const before = await this.get(id);
    this.assertMayChange(before, actor, actorIsAdmin, 'delete');
    // The same delete sent at once: the one that finds it gone answers 404, not a second deletion.
    const deleted = await this.db.deleteFrom('saved_import_mappings').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('saved import mapping', id);
    await appendAuditEntry(this.db, {
      entityType: 'saved_import_mapping',
      entityId: id,
      action: 'deleted',
      changes: [
        { field: 'name', old: before.name, new: null },
        { field: 'mapping', old: before.mapping, new: null },
      ],
      actor,
    });
  }

  private assertMayChange(
    mapping: SavedMapping,
    actor: Actor,
    actorIsAdmin: boolean,
    verb: 'change' | 'delete',
  ): void {
    if (actorIsAdmin || (actor.userId !== null && actor.userId === mapping.created_by)) return;
    throw new ForbiddenError(
      `only the user who saved the mapping ${JSON.stringify(mapping.name)} or an admin may ${verb} it`,
    );
  }
}
