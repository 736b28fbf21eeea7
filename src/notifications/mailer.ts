import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Sends through SMTP_URL from `from` (KITH_MAIL_FROM in the config), else from kith@<smtp host>. */
export function createMailer(smtpUrl: string | null, from: string | null = null): Mailer | null {
  if (!smtpUrl) return null;
  // Loaded only where mail is set up: nodemailer is 12 MB of every process that never sends any.
  const mailer = createRequire(import.meta.url)('nodemailer') as typeof nodemailer;
  const transport = mailer.createTransport(smtpUrl);
  const sender = from ?? `Kith <kith@${new URL(smtpUrl).hostname || 'localhost'}>`;
  return {
    send: async (mail) => {
      await transport.sendMail({ from: sender, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
