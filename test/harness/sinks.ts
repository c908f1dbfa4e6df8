import type { Config } from '../../lib/config';
import { startMailSink, type MailSink } from '../../devsinks/mailSink';
import { startSmsSink, type SmsSink } from '../../devsinks/smsSink';
import { createTestConfig } from './config';

export interface TestSinks {
  mail: MailSink;
  sms: SmsSink;
  /** Merge into the config the activities and API use so they talk to these sinks. */
  config: Pick<
    Config,
    | 'SMTP_HOST'
    | 'SMTP_PORT'
    | 'SMTP_SECURE'
    | 'TWILIO_API_BASE_URL'
    | 'TWILIO_ACCOUNT_SID'
    | 'TWILIO_AUTH_TOKEN'
    | 'DEVSINKS_SMTP_PORT'
    | 'DEVSINKS_MAIL_HTTP_PORT'
    | 'DEVSINKS_SMS_HTTP_PORT'
  >;
  close(): Promise<void>;
}

/**
 * The local SMTP inbox and the Twilio-shaped SMS and voice sink on free
 * loopback ports. `publicBaseUrl` is where the app under test listens: the SMS
 * sink delivers simulated inbound texts to its /webhooks/twilio/sms, calls'
 * callbacks to /webhooks/twilio/voice, and the mail sink replies to incident
 * emails to /webhooks/email/inbound.
 */
export async function startSinks(
  options: {
    publicBaseUrl?: string;
    callbackDelaysMs?: [number, number];
    /** Production refuses the shipped one. */
    twilioAuthToken?: string;
    /** The SMS sink answers 429 past this many messages per second from one number. */
    smsMaxPerSecondPerSender?: number;
  } = {},
): Promise<TestSinks> {
  const defaults = createTestConfig();
  const authToken = options.twilioAuthToken ?? defaults.TWILIO_AUTH_TOKEN;
  const host = '127.0.0.1';
  const publicBaseUrl = (options.publicBaseUrl ?? defaults.PUBLIC_BASE_URL).replace(/\/$/, '');
  const mail = await startMailSink({
    smtpPort: 0,
    httpPort: 0,
    host,
    // Replies to incident emails reach the app under test, as in embedded mode.
    inbound: { domain: defaults.INBOUND_EMAIL_DOMAIN, webhookUrl: `${publicBaseUrl}/webhooks/email/inbound`, secret: defaults.INBOUND_EMAIL_SECRET },
  });
  let sms: SmsSink;
  try {
    sms = await startSmsSink({
      port: 0,
      host,
      accountSid: defaults.TWILIO_ACCOUNT_SID,
      authToken,
      publicBaseUrl: options.publicBaseUrl ?? defaults.PUBLIC_BASE_URL,
      defaultInboundTo: defaults.TWILIO_FROM_NUMBER,
      callbackDelaysMs: options.callbackDelaysMs,
      ...(options.smsMaxPerSecondPerSender ? { maxPerSecondPerSender: options.smsMaxPerSecondPerSender } : {}),
    });
  } catch (err) {
    await mail.close();
    throw err;
  }
  return {
    mail,
    sms,
    config: {
      SMTP_HOST: host,
      SMTP_PORT: mail.smtpPort,
      SMTP_SECURE: false,
      TWILIO_API_BASE_URL: `http://${host}:${sms.port}`,
      TWILIO_ACCOUNT_SID: defaults.TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: authToken,
      DEVSINKS_SMTP_PORT: mail.smtpPort,
      DEVSINKS_MAIL_HTTP_PORT: mail.httpPort,
      DEVSINKS_SMS_HTTP_PORT: sms.port,
    },
    async close() {
      await Promise.allSettled([mail.close(), sms.close()]);
    },
  };
}
