/**
 * Credentials of sync connections, encrypted at rest: AES-256-GCM under KITH_SECRET_KEY, a fresh 12-byte
 * nonce per value, the connection's id as associated data (a ciphertext copied onto another connection
 * does not decrypt). Stored as `v1:` + base64(nonce ‖ tag ‖ ciphertext). Without a key nothing is stored:
 * a password kept in the clear beside the customers it opens is what encryption at rest is meant to stop.
 */
import crypto from 'node:crypto';
import { KithError } from '../../domain/errors.js';

export const NO_SECRET_KEY_MESSAGE =
  'credentials cannot be stored: KITH_SECRET_KEY is not set. Set it to 32 random bytes (`openssl rand -base64 32`) in the environment of every kith process and restart them';

export class SecretBox {
  constructor(private readonly key: Buffer | null) {}

  get ready(): boolean {
    return this.key !== null;
  }

  private requireKey(): Buffer {
    if (!this.key) throw new KithError('secret_key_missing', NO_SECRET_KEY_MESSAGE, 409);
    return this.key;
  }

  seal(plain: string, boundTo: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.requireKey(), nonce);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string, boundTo: string): string {
    const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.requireKey(), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (e) {
      if (e instanceof KithError) throw e;
      throw new KithError(
        'secret_key_mismatch',
        'the stored credentials cannot be decrypted with this KITH_SECRET_KEY (was the key changed?): add the connection again with its password',
        409,
      );
    }
  }
}
