/** The owners of a batch's ids, identities, phones and emails: one lookup per batch, never per row. */
export { findKeyOwners as lookupOwners } from '../../contacts/identify-contact.js';
