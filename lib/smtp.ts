// A plain (unpooled) SMTP sender for the API's rare messages of its own, i.e.
// one-time sign-in links. The worker's pooled mailer sends everything else.
import nodemailer from 'nodemailer';
import type { Config } from './config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export type SendMail = (mail: OutgoingMail) => Promise<{ messageId?: string }>;

type SmtpConfig = Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'MAIL_FROM'>;

export function createSendMail(config: SmtpConfig): SendMail {
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return async (mail) => {
    const info = await transport.sendMail({ from: config.MAIL_FROM, ...mail });
    return { messageId: info.messageId };
  };
}
