/**
 * English strings: shared ones here, each area's in en/<area>.ts so screens can grow apart.
 * zh.ts and zh/<area>.ts carry exactly the same keys (the types and a test compare them).
 */
import { en as assignment } from './en/assignment';
import { en as automation } from './en/automation';
import { en as conversations } from './en/conversations';
import { en as customer } from './en/customer';
import { en as customers } from './en/customers';
import { en as duplicates } from './en/duplicates';
import { en as exports } from './en/exports';
import { en as identityTypes } from './en/identity-types';
import { en as imports } from './en/imports';
import { en as invite } from './en/invite';
import { en as orders } from './en/orders';
import { en as reports } from './en/reports';
import { en as settings } from './en/settings';
import { en as sync } from './en/sync';
export const en = {
  common: {
    // Between the values of a bare list (labels, addresses) where no sentence word fits.
    valueSeparator: ', ',
    // Added to a sentence that has no full stop when it is said beside others (i18n/sentences.ts).
    sentenceEnd: '.',
    date: {
      placeholder: 'YYYY-MM-DD',
      clear: 'Clear the date',
      previousMonth: 'Previous month',
      nextMonth: 'Next month',
      previousYear: 'Previous year',
      nextYear: 'Next year',
      previousDecade: 'Previous decade',
      nextDecade: 'Next decade',
      monthLevel: 'Choose a month',
      yearLevel: 'Choose a year',
    },
    loading: 'Loading',
    retry: 'Try again',
    showPassword: 'Show or hide the password',
    cancel: 'Cancel',
    save: 'Save',
    saved: 'Saved',
    close: 'Close',
    delete: 'Delete',
    edit: 'Edit',
    back: 'Back',
    next: 'Next',
    firstPage: 'First page',
    nextPage: 'Next page',
    none: 'None',
    yes: 'Yes',
    no: 'No',
    errors: {
      title: 'Something went wrong',
      network: 'The server could not be reached. Check your connection and try again.',
      unexpected: 'Something unexpected went wrong. Try again; if it persists, tell your administrator.',
      queryTimeout:
        'This search took too long and was stopped. Narrow the search or the filters and try again.',
      internal:
        'Something went wrong on the server; it has been logged. Try again; if it persists, tell your administrator.',
      rateLimited: 'Too many attempts. Wait a moment and try again.',
      forbiddenTitle: 'Not available to you',
      forbidden: 'Only administrators can use this page.',
      notFoundTitle: 'Not found',
      notFound:
        'What this page would show does not exist, or was deleted. Check the link, or find it from the list.',
    },
    /** Why background work (an export, a scan) stopped, as the server words its fixed reasons. */
    failures: {
      internal: 'an internal error stopped it; it has been logged for your administrator',
      diskFull: 'the server’s disk is full',
      quota: 'the server’s disk quota is used up',
      permission: 'the server may not write its file (permission denied)',
      readOnly: 'the server’s data folder is read-only',
      tooManyFiles: 'the server has too many files open',
    },
  },
  roles: { admin: 'Administrator', agent: 'Agent' },
  nav: {
    label: 'Main navigation',
    menu: 'Open navigation',
    customers: 'Customers',
    imports: 'Import',
    orders: 'Orders',
    duplicates: 'Duplicates',
    conversations: 'Conversations',
    automation: 'Automation',
    reports: 'Reports',
    settings: 'Settings',
  },
  header: {
    language: 'Language',
    account: 'Account',
    profile: 'Profile',
    signOut: 'Sign out',
  },
  /** A screen whose record does not exist: what was not found, why that may be, and its list. */
  notFound: {
    title: 'Page not found',
    description: 'This address does not lead to a page of Kith.',
    back: 'Go to customers',
    customer: {
      title: 'Customer not found',
      description:
        'No customer has this id. It may have been deleted, or the link is wrong; a deleted customer can be restored under Batch deletions.',
      back: 'Go to customers',
    },
    conversation: {
      title: 'Conversation not found',
      description: 'No conversation has this id, or it is in an inbox you cannot see. Check the link.',
      back: 'Go to conversations',
    },
    import: {
      title: 'Import not found',
      description: 'No import has this id. Check the link, or find the import in the history.',
      back: 'Go to imports',
    },
    rule: {
      title: 'Automation rule not found',
      description: 'No automation rule has this id. It may have been deleted, or the link is wrong.',
      back: 'Go to automation rules',
    },
    compare: {
      title: 'Customers to compare not found',
      description:
        'At least one of these customers no longer exists: it was merged or deleted meanwhile, or the link is wrong.',
      back: 'Go to duplicates',
    },
  },
  /** Lists of the customers area whose empty state says where their rows come from. */
  emptyLists: {
    deletions: {
      title: 'No batch deletions yet',
      description:
        'When you select customers on the customers list and delete them, the batch appears here and can be restored for a while.',
      action: 'Go to customers',
    },
  },
  signIn: {
    title: 'Sign in',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'The email or password is wrong, or the account is disabled.',
    throttled: 'Too many attempts. Wait a few minutes before trying again.',
  },
  setup: {
    title: 'Set up Kith',
    intro: 'Create the first administrator. This link works once; afterwards sign in as usual.',
    noToken: 'This page needs the one-time link that Kith printed when it first started (…/setup#token=…).',
    checking: 'Checking whether Kith is set up…',
    alreadyDone: 'Kith is already set up: this link is used up. Sign in with your account.',
    signIn: 'Go to sign in',
    name: 'Name',
    email: 'Email',
    password: 'Password',
    passwordHint_one: 'At least {{count}} character',
    passwordHint_other: 'At least {{count}} characters',
    passwordShort_one: 'Use at least {{count}} character',
    passwordShort_other: 'Use at least {{count}} characters',
    confirm: 'Repeat the password',
    passwordMismatch: 'The two passwords differ',
    submit: 'Create administrator',
    done: 'Kith is already set up. Sign in instead.',
    badLink:
      'This setup link is not valid. Use the latest link Kith printed, or create a user with the kith command.',
  },
  fields: {
    id: 'Kith id',
    name: 'Name',
    first_name: 'First name',
    last_name: 'Last name',
    email: 'Email',
    additional_emails: 'Other emails',
    phone: 'Phone',
    additional_phones: 'Other phones',
    gender: 'Gender',
    birthday: 'Birthday',
    country: 'Country',
    province: 'Province',
    city: 'City',
    address: 'Address',
    address_line_2: 'Address, second line',
    postcode: 'Postcode',
    company: 'Company',
    tags: 'Tags',
    groups: 'Groups',
    initial_source: 'Initial source',
    initial_source_detail: 'Source detail',
    campaign: 'Campaign',
    identities: 'Identities',
    attributes: 'Attributes',
    created_at: 'Created',
    updated_at: 'Updated',
    // In a customer's change history: a batch deletion (and its undo), a merge (and its undo).
    deleted_at: 'Deleted',
    merged_into: 'Merged into',
  },
  gender: { male: 'Male', female: 'Female', other: 'Other' },
  // The initial sources Kith writes itself (web/src/ui/initial-source-label.ts).
  initialSources: { tmall: 'Tmall' },
  // Where a change came from (web/src/ui/channel-label.ts): the one table for the timeline, the change
  // history and the audit log.
  channels: {
    api: 'API',
    ui: 'Web app',
    cli: 'Command line',
    import: 'Import',
    merge: 'Merge',
    automation: 'Automation',
    sync: 'Sync',
    system: 'Kith',
  },
  assignment,
  automation,
  conversations,
  customer,
  customers,
  duplicates,
  exports,
  identityTypes,
  imports,
  invite,
  orders,
  reports,
  settings,
  sync,
};

export type Messages = typeof en;
