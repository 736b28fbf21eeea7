import { describe, expect, it } from 'vitest';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { contactToVcard, vcardToContactInput } from '../../src/sync/carddav/vcard-mapping.js';

const card = (...lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');

describe('vCard → contact input (pure)', () => {
  it.each([
    [
      'Apple Contacts (3.0)',
      card(
        'VERSION:3.0',
        'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
        'N:王;伟;;;',
        'FN:王伟',
        'ORG:杭州茶叶有限公司;销售部',
        'EMAIL;type=INTERNET;type=HOME:home@example.cn',
        'EMAIL;type=INTERNET;type=WORK;type=pref:ww@example.cn',
        'TEL;type=CELL;type=VOICE;type=pref:+86 138 0013 8000',
        'TEL;type=WORK:0571-8888 6666',
        'ADR;type=HOME;type=pref:;;文三路1号;杭州;浙江;310000;中国',
        'BDAY:1988-02-29',
        'UID:A1B2-C3',
      ),
      {
        name: '王伟',
        last_name: '王',
        first_name: '伟',
        company: '杭州茶叶有限公司',
        email: 'ww@example.cn',
        additional_emails: ['home@example.cn'],
        phone: '+86 138 0013 8000',
        additional_phones: ['0571-8888 6666'],
        address: '文三路1号',
        city: '杭州',
        province: '浙江',
        postcode: '310000',
        country: '中国',
        birthday: '1988-02-29',
        identities: { carddav_uid: 'A1B2-C3' },
      },
    ],
    [
      'Nextcloud (4.0, tel: URIs, PREF=1, GENDER, CATEGORIES, a birthday without a year)',
      card(
        'VERSION:4.0',
        'FN:Zoë Müller',
        'TEL;VALUE=uri;TYPE=work:tel:+49-30-123456',
        'TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+49-170-1234567',
        'GENDER:F',
        'BDAY:--0229',
        'CATEGORIES:VIP,Berlin',
        'UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1',
      ),
      {
        name: 'Zoë Müller',
        phone: '+49-170-1234567',
        additional_phones: ['+49-30-123456'],
        gender: 'female',
        birthday: null,
        tags: ['VIP', 'Berlin'],
        email: null,
        identities: { carddav_uid: 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1' },
      },
    ],
    [
      'a card with a name only (Google, no UID)',
      card('VERSION:3.0', 'FN:Li Lei'),
      { name: 'Li Lei', tags: [] },
    ],
  ])('%s', (_, text, expected) => {
    const { input } = vcardToContactInput(text);
    expect(input).toMatchObject(expected);
    if (!('identities' in expected)) expect(input.identities).toBeUndefined();
  });
});

describe('contact → vCard (pure)', () => {
  const contact = {
    ...emptyContactState(),
    name: '李娜',
    first_name: '娜',
    last_name: '李',
    email: 'li.na@example.cn',
    additional_emails: ['ln@example.com'],
    phone: '+8613800138012',
    additional_phones: ['+14155550123'],
    company: 'Kith, Inc.',
    city: '上海',
    country: 'CN',
    birthday: '1990-07-01',
    gender: 'female' as const,
    tags: ['VIP', '回访'],
  };

  it('writes a new vCard 4.0 that reads back as the same contact', () => {
    const text = contactToVcard(contact, 'uid-1');
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
    // A 4.0 TEL is a tel: URI by default.
    expect(text).toContain('TEL;PREF=1:tel:+8613800138012');
    const { uid, input } = vcardToContactInput(text);
    expect(uid).toBe('uid-1');
    expect(input).toMatchObject({
      name: '李娜',
      first_name: '娜',
      last_name: '李',
      email: 'li.na@example.cn',
      additional_emails: ['ln@example.com'],
      phone: '+8613800138012',
      additional_phones: ['+14155550123'],
      company: 'Kith, Inc.',
      city: '上海',
      country: 'CN',
      birthday: '1990-07-01',
      gender: 'female',
      tags: ['VIP', '回访'],
    });
  });

  it('writes over the server’s card: mapped properties replaced, the rest kept, the version kept', () => {
    const previous = card(
      'VERSION:3.0',
      'FN:Old Name',
      'EMAIL:old@example.com',
      'NOTE:met at the fair\\, likes tea',
      'X-SOCIALPROFILE;TYPE=wechat:wx_lina',
      'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==',
      'UID:uid-1',
    );
    const text = contactToVcard(contact, 'uid-1', previous);
    expect(text).toMatch(/VERSION:3\.0/);
    expect(text).not.toContain('old@example.com');
    expect(text).not.toContain('Old Name');
    expect(text).toContain('NOTE:met at the fair\\, likes tea');
    expect(text).toContain('X-SOCIALPROFILE;TYPE=wechat:wx_lina');
    expect(text).toContain('PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==');
    expect(text).not.toContain('GENDER'); // vCard 3.0 has none
    expect(vcardToContactInput(text).input).toMatchObject({ name: '李娜', email: 'li.na@example.cn' });
  });
});
