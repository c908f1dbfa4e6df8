// `npm run devsinks`: the local SMTP inbox (which also relays replies to
// incident emails to the API) and the Twilio-shaped SMS and voice sink on the
// configured ports, until interrupted.
import { config } from '../lib/config';
import { startMailSink } from './mailSink';
import { startSmsSink } from './smsSink';

async function main(): Promise<void> {
  const cfg = config();
  const host = '127.0.0.1';
  const mail = await startMailSink({
    smtpPort: cfg.DEVSINKS_SMTP_PORT,
    httpPort: cfg.DEVSINKS_MAIL_HTTP_PORT,
    host,
    // Replies to incident emails go to the API, as the city's inbound-parse provider would send them.
    inbound: cfg.INBOUND_EMAIL_DOMAIN
      ? { domain: cfg.INBOUND_EMAIL_DOMAIN, webhookUrl: `${cfg.PUBLIC_BASE_URL.replace(/\/$/, '')}/webhooks/email/inbound`, secret: cfg.INBOUND_EMAIL_SECRET }
      : undefined,
  });
  const sms = await startSmsSink({
    port: cfg.DEVSINKS_SMS_HTTP_PORT,
    host,
    accountSid: cfg.TWILIO_ACCOUNT_SID,
    authToken: cfg.TWILIO_AUTH_TOKEN,
    publicBaseUrl: cfg.PUBLIC_BASE_URL,
    defaultInboundTo: cfg.TWILIO_FROM_NUMBER,
  });
  console.log(
    JSON.stringify({
      msg: 'devsinks started',
      smtp: `${host}:${mail.smtpPort}`,
      mailInbox: `http://${host}:${mail.httpPort}/`,
      smsSink: `http://${host}:${sms.port}/`,
      voiceSink: `http://${host}:${sms.port}/calls`,
    }),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ msg: 'devsinks stopping', signal }));
    await Promise.allSettled([mail.close(), sms.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(JSON.stringify({ msg: 'devsinks failed to start', error: (err as Error).message }));
  process.exit(1);
});
