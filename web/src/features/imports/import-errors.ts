/**
 * The server explains refusals in English ({"error": {"code", "message"}}). Known codes get a sentence in
 * the user's language; the server's own words follow, since they name the row, column or value.
 */
import type { TFunction } from 'i18next';
import { joinSentences } from '../../i18n/sentences';
import { ApiError } from '../../api/client';
import { failureText, type ReasonTable, sayReason } from '../../ui/server-reasons';
import { errorMessage } from '../../ui/states';
import { contactReasonText } from '../customers/save-errors';
import { identityTypeLabel } from '../../ui/identity-type-label';
import { byteSize, localeOf } from '../../i18n/locale';

const KNOWN = new Set([
  'payload_too_large',
  'unreadable_file',
  'validation_failed',
  'not_cancellable',
  'not_undoable',
  'already_undone',
  'undo_running',
  'not_ready',
  'not_found',
  'forbidden',
  'not_a_dry_run',
  'dry_run_not_completed',
  'dry_run_not_contacts',
  'source_file_gone',
  'already_importing',
  'already_imported_for_real',
  'import_running',
  'import_files_deleted',
]);

export interface ExplainedError {
  /** A translated sentence, or null when the code is not one the screens know. */
  title: string;
  /** The server's message (English), shown under the title when it adds something. */
  detail: string | null;
}

export function explainImportError(error: unknown, t: TFunction, language = 'en'): ExplainedError {
  if (error instanceof ApiError) {
    if (error.status === 0) return { title: t('common.errors.network'), detail: null };
    const staged = stagedUploadLimitText(error, t, language);
    if (staged !== null) return { title: t('imports.stagedUploads.title'), detail: staged };
    const detail = unreadableFileText(error, t) ?? error.message;
    if (KNOWN.has(error.code)) return { title: t(`imports.errors.${error.code}`), detail };
    return { title: t('imports.errors.other'), detail };
  }
  return { title: t('common.errors.unexpected'), detail: null };
}

/** An upload the server keeps for the wizard (`details.uploads` of too_many_staged_uploads). */
export interface StagedUploadInfo {
  upload_id: string;
  file_name: string;
  file_size: number;
  expires_at: string;
}

/** The uploads a too_many_staged_uploads refusal lists (oldest first); empty for any other error. */
export function stagedUploadsOf(error: unknown): StagedUploadInfo[] {
  if (!(error instanceof ApiError) || error.code !== 'too_many_staged_uploads') return [];
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  return Array.isArray(details.uploads) ? (details.uploads as StagedUploadInfo[]) : [];
}

/**
 * A preview refused because the user already keeps as many uploads as one may (429
 * too_many_staged_uploads, src/imports/staged-uploads.ts): which limit, what is waiting, what to do, in
 * the page's language from the refusal's details. Null for any other error.
 */
export function stagedUploadLimitText(error: ApiError, t: TFunction, language: string): string | null {
  if (error.code !== 'too_many_staged_uploads') return null;
  const d = error.details && !Array.isArray(error.details) ? error.details : {};
  const num = (value: unknown) => (typeof value === 'number' ? value : 0);
  const stagedCount = num(d.staged_count);
  const overCount = stagedCount + 1 > num(d.limit_count);
  const said = overCount
    ? t('imports.stagedUploads.count', {
        count: stagedCount,
        size: byteSize(num(d.staged_bytes), language),
        limit: num(d.limit_count),
      })
    : t('imports.stagedUploads.size', {
        count: stagedCount,
        size: byteSize(num(d.staged_bytes), language),
        file: byteSize(num(d.file_bytes), language),
        limit: byteSize(num(d.limit_bytes), language),
      });
  const oldest = stagedUploadsOf(error)[0];
  if (!oldest) return said;
  const time = new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(oldest.expires_at));
  return `${said} ${t('imports.stagedUploads.action', { time })}`;
}

/**
 * A mapping not saved because the team keeps as many as the server allows (409
 * too_many_saved_mappings, src/imports/saved-mapping-service.ts): the limit and what to do, in the
 * page's language from the refusal's details. Null for any other error.
 */
export function savedMappingLimitText(error: unknown, t: TFunction): string | null {
  if (!(error instanceof ApiError) || error.code !== 'too_many_saved_mappings') return null;
  const d = error.details && !Array.isArray(error.details) ? error.details : {};
  const num = (value: unknown) => (typeof value === 'number' ? value : 0);
  return t('imports.mapping.tooMany', { count: num(d.saved), limit: num(d.limit) });
}

/**
 * The fixed reasons the server gives for a file it cannot read (ImportFileError, src/imports/read): any
 * other reason names a row, a sheet's limits or a value and is shown as the server wrote it.
 */
const FILE_REASONS: ReasonTable = [
  [/^the file is empty$/, (t) => t('imports.fileReasons.empty')],
  [
    /^the file is not a CSV, XLSX, JSON, NDJSON or XML file \(it holds binary data\)$/,
    (t) => t('imports.fileReasons.binary'),
  ],
  [/^the file has no header row$/, (t) => t('imports.fileReasons.noHeader')],
  [/^sheet "(.*)" has no header row$/, (t, m) => t('imports.fileReasons.sheetNoHeader', { sheet: m[1] })],
  [
    /^this is an Excel 97-2003 \(\.xls\) file or a password-protected workbook/,
    (t) => t('imports.fileReasons.xls'),
  ],
  [/^the file is a zip archive but not an XLSX workbook/, (t) => t('imports.fileReasons.notXlsx')],
  [/^the XLSX file is damaged/, (t) => t('imports.fileReasons.damaged')],
  [/^the workbook has no worksheets$/, (t) => t('imports.fileReasons.noSheets')],
  [/encoding could not be detected with confidence/, (t) => t('imports.fileReasons.encoding')],
];

/** Which of a two-file import's files a refusal is about (`details.file`), as its screen names it. */
function fileLabel(file: unknown, t: TFunction): string | null {
  if (file === 'orders' || file === 'orders file') return t('orders.import.ordersFile');
  if (file === 'items' || file === 'items file') return t('orders.import.itemsFile');
  return null;
}

/**
 * A file the server could not read (`unreadable_file`), in the user's language when the reason is a
 * fixed one: a Tmall report without the headers of its layout (`details.missing`, `details.unknown`,
 * `details.looks_like`), or one of FILE_REASONS, named by the file it is in. Null when it is neither.
 */
export function unreadableFileText(error: ApiError, t: TFunction): string | null {
  if (error.code === 'payload_too_large') {
    // src/server/routes/import-routes.ts: "the file is larger than the upload limit of 50 MB (…)".
    const limit = /the upload limit of (\d+(?:\.\d+)?) MB/.exec(error.message)?.[1];
    return limit ? t('imports.fileReasons.tooLarge', { limit }) : null;
  }
  if (error.code !== 'unreadable_file') return null;
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  const file = fileLabel(details.file, t);
  const list = (value: unknown) =>
    Array.isArray(value) ? value.map(String).join(t('orders.import.layout.separator')) : '';
  if (file && Array.isArray(details.missing)) {
    const parts = [
      t(details.file === 'items' ? 'orders.import.layout.notItems' : 'orders.import.layout.notOrders', {
        missing: list(details.missing),
      }),
    ];
    if (Array.isArray(details.unknown) && details.unknown.length > 0)
      parts.push(t('orders.import.layout.unknown', { headers: list(details.unknown) }));
    if (details.looks_like === 'items' || details.looks_like === 'orders')
      parts.push(t(`orders.import.layout.swapped`));
    return joinSentences(parts, t);
  }
  // inFile (src/imports/read/source-reader.ts) puts "the orders file: " before the file's reason.
  const reason = file
    ? error.message
        .replace(/^the (orders|items) file: /, '')
        .replace(/^the (orders|items) file's /, "the file's ")
    : error.message;
  const said = sayReason(FILE_REASONS, reason, t);
  if (said === null) return null;
  return file ? t('orders.import.inFile', { file, reason: said }) : said;
}

/** The order file's options the wizard sends, by the field a refusal names, with the words for it. */
const ORDER_FILE_OPTION_REFUSALS: Readonly<Record<string, 'source' | 'currency'>> = {
  'options.order_source': 'source',
  'options.currency': 'currency',
};

/**
 * The order file's settings a refusal named (src/orders/order-service.ts startOrderFileImport sends them as
 * `options.order_source`, `options.currency`), each said with the value refused, for the field it names;
 * null when the refusal named anything else.
 */
export function orderFileOptionErrors(
  error: unknown,
  t: TFunction,
): Partial<Record<'source' | 'currency', string>> | null {
  if (!(error instanceof ApiError) || error.code !== 'validation_failed') return null;
  const fields = error.fieldErrors;
  if (fields.length === 0 || !fields.every((d) => ORDER_FILE_OPTION_REFUSALS[d.field] !== undefined))
    return null;
  return Object.fromEntries(
    fields.map((d) => {
      const key = ORDER_FILE_OPTION_REFUSALS[d.field]!;
      return [key, t(`orders.file.refusals.${key}`, { value: d.value === undefined ? '' : String(d.value) })];
    }),
  );
}

/** A refused import of orders: a file's problem as the import wizard says it, else as errorMessage does. */
export function orderImportErrorText(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return errorMessage(error, t);
  const file = unreadableFileText(error, t);
  if (file !== null) return file;
  const options = orderFileOptionErrors(error, t);
  if (options) return joinSentences(Object.values(options), t);
  return errorMessage(error, t);
}

/**
 * A column mapping the server refused (src/imports/map/column-mapping.ts: `mapping.<column>`), reason by
 * reason: the ones a changed store or another admin can cause between the wizard's check and the start
 * (an attribute or identity type deleted meanwhile, two columns on one target), in the user's words.
 */
const MAPPING_REASONS: ReasonTable = [
  [
    /^is already the target of column "(.*)"$/,
    (t, m) => t('imports.mappingReasons.sameTarget', { column: m[1] }),
  ],
  [/^the file has no column "(.*?)"/, (t) => t('imports.mappingReasons.noSuchColumn')],
  [/^attribute "(.*?)" is not defined/, (t, m) => t('imports.mappingReasons.noAttribute', { key: m[1] })],
  [
    /^identity type "(.*?)" is not defined/,
    (t, m) => t('imports.mappingReasons.noIdentityType', { type: m[1] }),
  ],
  [
    /^attribute key "(.*?)" must be lower-case/,
    (t, m) => t('imports.mappingReasons.attributeKey', { key: m[1] }),
  ],
  [/^(\S+) is written by Kith and cannot be imported$/, (t) => t('imports.mappingReasons.kithWritten')],
  [/^(\S+) is not a contact field/, (t, m) => t('imports.mappingReasons.notAField', { target: m[1] })],
];

/**
 * Each field a refusal named, as one line for the user: a mapped column by its name with the reason in
 * the user's words where we know it; any other field as the server named it.
 */
export function fieldProblemLines(
  fields: readonly { field: string; reason?: string }[],
  t: TFunction,
): string[] {
  return fields.map(({ field, reason = '' }) => {
    const column = /^mapping\.(.+)$/s.exec(field)?.[1];
    if (column === undefined) return `${field}: ${reason}`;
    return t('imports.mappingReasons.column', {
      column,
      reason: sayReason(MAPPING_REASONS, reason, t) ?? reason,
    });
  });
}

/**
 * Failure reasons come from the failure file, in English. The common ones get a translated summary;
 * the original stays beside it (it names the value and the other rows).
 */
const REASON_KEYS: [RegExp, string][] = [
  [/has no id, identity, phone or email/, 'noIdentifier'],
  [/^(additional_)?phones?: .*not a valid phone/, 'invalidPhone'],
  [/^(additional_)?emails?: .*(not a valid|invalid)/, 'invalidEmail'],
  [/is also on other rows? of this file|is also on row/, 'inFileDuplicate'],
  [/^superseded by/, 'superseded'],
  [/belongs to another contact|belong to different contacts/, 'owned'],
  [/^id: contact .* not found/, 'idNotFound'],
  [/^gender\b/, 'invalidGender'],
  [/^birthday\b/, 'invalidBirthday'],
  // Order imports (Tmall and generic).
  [/订单状态 .* is not imported/, 'orderNotPaid'],
  [/订单状态 (is empty|.* is not a Tmall order status)/, 'orderStatusUnknown'],
  [/^订单编号 is empty$/, 'orderNumberEmpty'],
  [/订单编号 .* is on (other rows|rows? [\d, ]+) of the orders file/, 'orderNumberRepeated'],
  [/订单编号 .* is not in the orders file/, 'orderNotInFile'],
  [/the buyer cannot be identified|the customer cannot be matched/, 'buyerUnknown'],
];

const REASONS: ReasonTable = REASON_KEYS.map(([pattern, key]) => [
  pattern,
  (t) => t(`imports.reasons.${key}`),
]);

/**
 * Why an undo left a value as it is now (src/imports/undo-import.ts, undoOrderImport in
 * src/orders/order-service.ts), in the user's words; `value` shows the JSON value a reason quotes as
 * the change history shows it. Any other reason as the server wrote it.
 */
export function undoKeptReasonText(reason: string, t: TFunction, value: (json: string) => string): string {
  const table: ReasonTable = [
    [
      /^changed again since the import \(now (.*)\)$/s,
      (t, m) => t('imports.undo.keptChanged', { now: value(m[1]!) }),
    ],
    [/^changed again since the import$/, (t) => t('imports.undo.keptOrderChanged')],
    [
      /^the old value (.*) now belongs to contact (\S+)$/s,
      (t, m) => t('imports.undo.keptOwned', { value: value(m[1]!), id: m[2] }),
    ],
  ];
  return sayReason(table, reason, t) ?? reason;
}

export function reasonLabel(kind: string, t: TFunction): string | null {
  return sayReason(REASONS, kind, t) ?? fieldReasonLabel(kind, t);
}

/** A reason in the user's words, and whether they say everything the server's words do. */
export interface ReasonWords {
  text: string;
  /**
   * True when the server's own (English) words add nothing: the sentence names what they name, or a
   * field's reason is said precisely while the field and the file's value are shown beside it.
   */
  complete: boolean;
}

/** A quoted value as the server writes it (JSON), read back; anything else as it stands. */
function unquoted(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;

/**
 * The keys an in-file duplicate names, as the server writes them (`phone "+86…"`, `phone "+86…",
 * email "a@b.c"`, `wechat_openid "o6_x"`, or without the values in a summary): each by its field's name
 * in the user's words, with its value.
 */
function keysText(keys: string, t: TFunction): string {
  const said: string[] = [];
  for (const m of keys.matchAll(new RegExp(String.raw`(\S+?)(?: (${QUOTED}))?(?:, |$)`, 'g'))) {
    const field =
      m[1] === 'phone' || m[1] === 'email' ? t(`fields.${m[1]}`) : identityTypeLabel({ key: m[1]! }, t);
    said.push(m[2] === undefined ? field : t('imports.reasons.keyValue', { field, value: unquoted(m[2]) }));
  }
  return said.join(t('imports.reasons.keySeparator'));
}

/** A phone or e-mail another customer owns (src/domain/contact/identify-rule.ts), the owner's id last. */
const OWNED_VALUE = new RegExp(
  String.raw`^(?:the row matched contact \S+ but )?(phone|email) (${QUOTED}) belongs to another contact (\S+)$`,
);
/** Identities another customer owns, the owner's id last. */
const OWNED_IDENTITY = /^identity (.+) belongs to another contact (\S+)$/;

/** What a reason says another customer owns, in the user's words with its value, and that owner's id. */
function ownershipOf(text: string, t: TFunction): { key: string; owner: string } | null {
  const value = OWNED_VALUE.exec(text);
  if (value) {
    const field = t(`fields.${value[1]}`);
    return { key: t('imports.reasons.keyValue', { field, value: unquoted(value[2]!) }), owner: value[3]! };
  }
  const identity = OWNED_IDENTITY.exec(text);
  return identity ? { key: keysText(identity[1]!, t), owner: identity[2]! } : null;
}

/** The customer a row's reason says owns its value (`ct_…`), or null for any other reason. */
export function reasonOwner(text: string): string | null {
  return OWNED_VALUE.exec(text)?.[3] ?? OWNED_IDENTITY.exec(text)?.[2] ?? null;
}

/**
 * A row's ownership reason in the user's words, parted where the owner stands, so that a screen can put
 * the owner there as a link to them (reasonWords says it whole, with the id, for a file).
 */
export interface OwnedReasonWords {
  /** The owner's id as the server named it. */
  owner: string;
  before: string;
  after: string;
}

/** Stands for the owner in the sentence until it is parted: a character no translation holds. */
const OWNER_MARK = '\uE000';

/**
 * A row's ownership reason as OwnedReasonWords; `deleted` when the owner has been deleted since (the
 * sentence says so). Null for any other reason.
 */
export function ownedReasonWords(text: string, t: TFunction, deleted = false): OwnedReasonWords | null {
  const owned = ownershipOf(text, t);
  if (!owned) return null;
  const key = deleted ? 'imports.reasons.ownedByDeleted' : 'imports.reasons.ownedBy';
  const [before = '', after = ''] = t(key, { key: owned.key, owner: OWNER_MARK }).split(OWNER_MARK);
  return { owner: owned.owner, before, after };
}

/**
 * Reasons said whole in the user's words, with the values, rows and records they name (the row-level
 * form and the summary's, where the rows and values are left out: src/imports/report/reason-kind.ts).
 */
const SENTENCES: ReasonTable = [
  [
    new RegExp(String.raw`^the same (.+) is also on rows? ([\d, ]+) of this file$`),
    (t, m) =>
      t('imports.reasons.sameAsRows', {
        keys: keysText(m[1]!, t),
        rows: m[2],
        count: m[2]!.split(',').length,
      }),
  ],
  [
    /^the same (.+) is also on other rows of this file$/,
    (t, m) => t('imports.reasons.sameAsOtherRows', { keys: keysText(m[1]!, t) }),
  ],
  [
    /^superseded by row (\d+), which has the same (.+)$/,
    (t, m) => t('imports.reasons.supersededByRow', { row: m[1], keys: keysText(m[2]!, t) }),
  ],
  [
    /^superseded by other rows, which has the same (.+)$/,
    (t, m) => t('imports.reasons.supersededByLater', { keys: keysText(m[1]!, t) }),
  ],
  [OWNED_VALUE, (t, m) => t('imports.reasons.ownedBy', ownershipOf(m[0], t)!)],
  [OWNED_IDENTITY, (t, m) => t('imports.reasons.ownedBy', ownershipOf(m[0], t)!)],
  // The summary's kind of the two above: the values and contacts left out.
  [
    /^(?:identity )?([a-z][a-z0-9_]*(?:, [a-z][a-z0-9_]*)*) belongs to another contact$/,
    (t, m) => t('imports.reasons.keysOwned', { keys: keysText(m[1]!, t) }),
  ],
  [
    new RegExp(String.raw`^id: contact (${QUOTED}) not found$`),
    (t, m) => t('imports.reasons.idNotFoundValue', { id: unquoted(m[1]!) }),
  ],
  [
    new RegExp(String.raw`^订单状态 (${QUOTED}) is not imported: only paid orders are`),
    (t, m) => t('imports.reasons.orderNotPaidStatus', { status: unquoted(m[1]!) }),
  ],
  [
    new RegExp(String.raw`^订单状态 (${QUOTED}) is not a Tmall order status`),
    (t, m) => t('imports.reasons.orderStatusUnknownValue', { status: unquoted(m[1]!) }),
  ],
  [/^订单状态 is empty/, (t) => t('imports.reasons.orderStatusEmpty')],
  // A phone imported as its number without what its cell said beside it (src/imports/validate/row-validation.ts).
  [
    new RegExp(
      String.raw`^(?:row \d+: )?(?:phone|additional_phones\[\d+\]): kept as the number only, without the words beside it(?: \(got (${QUOTED})\))?$`,
    ),
    (t, m) =>
      m[1] === undefined
        ? t('imports.reasons.phoneWordsLeftOut')
        : t('imports.reasons.phoneWordsLeftOutValue', { value: unquoted(m[1]) }),
  ],
  [
    new RegExp(
      String.raw`^(?:row \d+: )?(?:phone|additional_phones\[\d+\]): kept without its extension, .*?(?: \(got (${QUOTED})\))?$`,
    ),
    (t, m) =>
      m[1] === undefined
        ? t('imports.reasons.phoneExtensionLeftOut')
        : t('imports.reasons.phoneExtensionLeftOutValue', { value: unquoted(m[1]) }),
  ],
  // A report's footer line (src/imports/map/column-mapping.ts: footerLine); a summary leaves the value out.
  [
    new RegExp(
      String.raw`^(?:row \d+: )?the line holds one cell and none of the other columns, .*? so it is not read as a customer(?: \(got (${QUOTED})\))?$`,
    ),
    (t, m) =>
      m[1] === undefined
        ? t('imports.reasons.reportLine')
        : t('imports.reasons.reportLineValue', { value: unquoted(m[1]) }),
  ],
  // A Tmall report's column a row needs, left empty (订单编号, 联系手机, 买家会员名).
  [/^(?:row \d+: )?(\S+) is empty$/, (t, m) => t('imports.reasons.columnEmpty', { column: m[1] })],
  [
    /^(?:row \d+: |other rows: )?订单编号 (\S+) is on (?:rows? ([\d, ]+)|other rows) of the orders file/,
    (t, m) =>
      m[2] === undefined
        ? t('imports.reasons.orderNumberOnOtherRows', { number: m[1] })
        : t('imports.reasons.orderNumberOnRows', { number: m[1], rows: m[2] }),
  ],
  [
    /^(?:row \d+: |other rows: )?订单编号 (\S+) is not in the orders file$/,
    // A summary leaves the number out ("订单编号 … is not …").
    (t, m) =>
      m[1] === '…'
        ? t('imports.reasons.orderNotInFile')
        : t('imports.reasons.orderNotInFileNumber', { number: m[1] }),
  ],
];

/** Labels of REASONS that leave nothing of the server's words out. */
const COMPLETE_LABELS = /has no id, identity, phone or email/;

/**
 * A row's reason (or a summary's) in the user's words: a whole sentence where we know the reason, a
 * field's reason as the customer form says it, else the summary label of a common reason; null for a
 * reason we do not know (shown as the server wrote it).
 */
export function reasonWords(text: string, t: TFunction): ReasonWords | null {
  const sentence = sayReason(SENTENCES, text, t);
  if (sentence !== null) return { text: sentence, complete: true };
  const field = FIELD_REASON.exec(text);
  if (field) {
    const said = contactReasonText(field[1]!, t);
    if (said !== field[1])
      return {
        text: / was not imported: /.test(text) ? t('imports.reasons.leftOut', { reason: said }) : said,
        complete: true,
      };
  }
  const label = sayReason(REASONS, text, t);
  return label === null ? null : { text: label, complete: COMPLETE_LABELS.test(text) };
}

/** "field: reason (got value)" or "field was not imported: reason", as the import writes a row's reason. */
const FIELD_REASON =
  /^(?:row \d+: )?[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)?(?:\[\d+\])?(?::| was not imported:) (.*?)(?: \(got (?:"(?:[^"\\]|\\.)*"|[^()]*)\))?$/;

/**
 * A value the customer form would refuse too (too long, not a number, not a date …): the form's words
 * for it (contactReasonText), else null.
 */
function fieldReasonLabel(text: string, t: TFunction): string | null {
  const reason = FIELD_REASON.exec(text)?.[1];
  if (!reason) return null;
  const said = contactReasonText(reason, t);
  return said === reason ? null : said;
}

/** One reason of a row, read from the server's words: the field and the value it names, when it does. */
export interface RowReason {
  /** The reason as the server wrote it. */
  text: string;
  /** The field it is about (`phone`, `additional_emails[1]`, `identities.wechat_openid`), else null. */
  field: string | null;
  /** The value the file had, as written, when the reason names it. */
  value: string | null;
}

/**
 * A failed (or warned) row's reasons: the server joins every reason of a row with "; " ("phone: is not
 * a valid phone number … (got "12345"); email: is not a valid email address (got "a@")"). Split them
 * outside the quoted values (a value may hold "; " itself), and read each one's field and value.
 */
export function rowReasons(text: string): RowReason[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ';' && text[i + 1] === ' ') {
      parts.push(text.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim() !== '').map(readReason);
}

const FIELD = /^(?:row \d+: )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)?(?:\[\d+\])?)(?::| was not imported:) /;
const GOT = / \(got ((?:"(?:[^"\\]|\\.)*")|[^()]*)\)$/;

function readReason(text: string): RowReason {
  const field = FIELD.exec(text)?.[1] ?? null;
  const got = GOT.exec(text)?.[1];
  return { text, field, value: got === undefined ? null : unquoted(got) };
}

/**
 * Why an import stopped (src/imports/contact-import-pipeline.ts: `importStopReason`, its causes from
 * `databaseFailure`, `failureReason` and `endStoppedImport`). The causes Kith words itself, said in
 * the user's language; a file's reason as the wizard says it; anything else as written.
 */
const STOP_CAUSES: ReasonTable = [
  [
    /^the process running this import stopped (\d+) times before it finished/,
    (t, m) => t('imports.stop.processStopped', { count: Number(m[1]) }),
  ],
  [/^the database could not be reached$/, (t) => t('imports.stop.databaseUnreachable')],
  [/^the connection to the database was lost$/, (t) => t('imports.stop.databaseLost')],
  [
    /^other imports or users kept writing the same contacts at the same moment$/,
    (t) => t('imports.stop.writeConflicts'),
  ],
  [/^the database ran out of disk space or memory$/, (t) => t('imports.stop.databaseFull')],
  [/^the database failed with error (\S+)$/, (t, m) => t('imports.stop.databaseError', { code: m[1] })],
];

/** An import's `error` (it failed) in the user's words: the cause, then which rows it did not get to. */
export function importFailureText(error: string, t: TFunction): string {
  const stopped =
    /^([\s\S]*?); the import stopped after (\d+) of (\d+) (rows|orders), so the (\d+) (?:rows|orders)(?: after row (\d+))? were not imported \(/.exec(
      error,
    );
  const cause = stopped ? stopped[1]! : error;
  const said = sayReason(STOP_CAUSES, cause, t) ?? sayReason(FILE_REASONS, cause, t) ?? failureText(cause, t);
  if (!stopped) return said;
  const [, , done, total, unit, left, row] = stopped;
  return `${said} ${t(`imports.stop.${unit as 'rows' | 'orders'}`, {
    done,
    total,
    left,
    after: row ? t('imports.stop.afterRow', { row }) : '',
  })}`;
}
