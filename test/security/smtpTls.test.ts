// Mail carries signed links, so production never lets it cross the network in
// clear text: the transport requires STARTTLS unless the connection is TLS
// from the start (SMTP_SECURE, port 465), and turning that off is refused.
// The local mail sink offers no STARTTLS, which makes it the relay that would
// have received clear text before.
import { startMailSink, type MailSink } from '../../devsinks/mailSink';
import { createMailer } from '../../activities/notifications/providers';
import { checkConfig, parseConfig } from '../../lib/config';
import { GOOD_PRODUCTION_SETTINGS } from '../harness/productionSettings';

const problemKeys = (env: Record<string, string>) => checkConfig(env).problems.map((p) => p.key);

describe('SMTP without TLS', () => {
  let sink: MailSink;
  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  });
  afterAll(async () => {
    await sink.close();
  });

  const send = async (requireTls: boolean) => {
    const mailer = createMailer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: sink.smtpPort, SMTP_SECURE: false, SMTP_POOL_SIZE: 1, SMTP_REQUIRE_TLS: requireTls });
    try {
      return await mailer.sendMail({ from: 'alerts@clayton.example', to: 'mayor@clayton.example', subject: 'Acknowledge CI-2026-0001', text: 'https://x/ack/signed' });
    } finally {
      mailer.close();
    }
  };

  it('is required in production unless the connection is TLS from the start, and off in embedded mode', () => {
    expect(parseConfig(GOOD_PRODUCTION_SETTINGS).SMTP_REQUIRE_TLS).toBe(true);
    expect(parseConfig({ ...GOOD_PRODUCTION_SETTINGS, SMTP_SECURE: 'true', SMTP_PORT: '465' }).SMTP_REQUIRE_TLS).toBe(false);
    expect(parseConfig({}).SMTP_REQUIRE_TLS).toBe(false);
  });

  it('production refuses to turn it off, except on a rehearsal with local providers waived', () => {
    expect(problemKeys({ ...GOOD_PRODUCTION_SETTINGS, SMTP_REQUIRE_TLS: 'false' })).toEqual(['SMTP_REQUIRE_TLS']);
    expect(problemKeys({ ...GOOD_PRODUCTION_SETTINGS, SMTP_REQUIRE_TLS: 'false', SMTP_SECURE: 'true', SMTP_PORT: '465' })).toEqual([]);
    const rehearsal = parseConfig({ ...GOOD_PRODUCTION_SETTINGS, SMTP_HOST: '127.0.0.1', ALLOW_INSECURE: 'local-providers' });
    expect(rehearsal.SMTP_REQUIRE_TLS).toBe(false);
  });

  it("production's transport sends nothing to a relay that offers no STARTTLS", async () => {
    const before = sink.messages().length;
    await expect(send(parseConfig(GOOD_PRODUCTION_SETTINGS).SMTP_REQUIRE_TLS)).rejects.toThrow(/STARTTLS/i);
    expect(sink.messages()).toHaveLength(before);
  });

  it("embedded mode's transport delivers to the local sink as before", async () => {
    await send(parseConfig({}).SMTP_REQUIRE_TLS);
    expect(sink.messages().at(-1)?.subject).toBe('Acknowledge CI-2026-0001');
  });
});
