/** A real SMTP server on an ephemeral port that keeps what it receives, for e-mail tests. */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  data: string;
}

/** The body of a text mail as written, whether nodemailer sent it 7bit or quoted-printable. */
export function decodeQuotedPrintable(data: string): string {
  if (!/Content-Transfer-Encoding: quoted-printable/i.test(data)) return data;
  const bytes = data
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function startSmtp(): Promise<{ server: SMTPServer; port: number; mails: ReceivedMail[] }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.server.address() as { port: number }).port, mails }),
    );
  });
}

/** Waits until `count` mails arrived (delivery is asynchronous). */
export async function waitForMails(mails: ReceivedMail[], count = 1): Promise<void> {
  for (let i = 0; i < 200 && mails.length < count; i++) await new Promise((r) => setTimeout(r, 20));
}
