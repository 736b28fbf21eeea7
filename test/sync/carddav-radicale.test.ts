import { createVCard, fetchVCards, updateVCard } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { contactToVcard, vcardToContactInput } from '../../src/sync/carddav/vcard-mapping.js';
import { createAddressBook, startRadicale, type TestRadicale } from '../support/radicale.js';

/**
 * The vCard mapping against a real CardDAV server (Radicale) through tsdav: what the connector will
 * write is stored and read back as the same contact, and a write on a stale ETag is refused (the
 * conflict the connector turns into its policy).
 */
describe('vCard mapping against Radicale', () => {
  let radicale: TestRadicale;
  let addressBookUrl: string;
  beforeAll(async () => {
    radicale = await startRadicale();
    addressBookUrl = await createAddressBook(radicale, 'customers');
  });
  afterAll(async () => radicale?.stop());

  it('stores a card Kith writes and reads it back the same; a stale ETag is refused with 412', async () => {
    const headers = { authorization: radicale.authorization };
    const addressBook = { url: addressBookUrl };
    const contact = {
      ...emptyContactState(),
      name: '王伟',
      email: 'ww@dav.example',
      phone: '+8613800138000',
      tags: ['VIP'],
      city: '杭州',
    };
    const created = await createVCard({
      addressBook,
      vCardString: contactToVcard(contact, 'kith-1'),
      filename: 'kith-1.vcf',
      headers,
    });
    expect(created.status).toBe(201);
    const [card] = await fetchVCards({ addressBook, headers });
    expect(card!.etag).toBeTruthy();
    expect(vcardToContactInput(card!.data as string).input).toMatchObject({
      name: '王伟',
      email: 'ww@dav.example',
      phone: '+8613800138000',
      tags: ['VIP'],
      city: '杭州',
      identities: { carddav_uid: 'kith-1' },
    });

    const changed = contactToVcard({ ...contact, city: '上海' }, 'kith-1', card!.data as string);
    const updated = await updateVCard({ vCard: { ...card!, data: changed }, headers });
    expect(updated.ok).toBe(true);
    // The same write on the ETag read before: someone else's change would be lost, so the server refuses.
    const stale = await updateVCard({ vCard: { ...card!, data: changed }, headers });
    expect(stale.status).toBe(412);
  });
});
