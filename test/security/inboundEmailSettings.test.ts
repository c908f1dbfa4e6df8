// Acknowledgement by replying to an incident email, as production sees it:
// off unless the city names its reply domain; on, it needs a secret of its
// own for the inbound-parse webhook, never the published development one or
// the embedded example domain. Embedded mode routes replies to the local sink.
import { DEV_INBOUND_EMAIL_SECRET, EMBEDDED_REPLY_DOMAIN, checkConfig, parseConfig } from '../../lib/config';

const GOOD_PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://app:s3cret-from-vault@db.internal:5432/commonground',
  PUBLIC_BASE_URL: 'https://commonground.clayton.example',
  LINK_SIGNING_SECRET: 'x'.repeat(24) + 'a-real-random-secret',
  ACTOR_CLAIM_SECRET: 'y'.repeat(24) + 'another-real-random-key',
  TWILIO_ACCOUNT_SID: 'AC' + 'ab12'.repeat(8),
  TWILIO_AUTH_TOKEN: 'f00dfeedf00dfeedf00dfeedf00dfeed',
  TWILIO_FROM_NUMBER: '+13145559876',
  TWILIO_API_BASE_URL: '',
  SMTP_HOST: 'smtp.clayton.example',
  SMTP_PORT: '587',
  MAIL_FROM: 'City of Clayton <alerts@clayton.example>',
};

const problems = (env: Record<string, string>) => checkConfig(env).problems.map((p) => p.key);

describe('acknowledgement by reply in production', () => {
  it('is off unless a reply domain is named; embedded mode uses the local one', () => {
    expect(parseConfig(GOOD_PRODUCTION).INBOUND_EMAIL_DOMAIN).toBe('');
    expect(parseConfig({}).INBOUND_EMAIL_DOMAIN).toBe(EMBEDDED_REPLY_DOMAIN);
    expect(parseConfig({ INBOUND_EMAIL_DOMAIN: '' }).INBOUND_EMAIL_DOMAIN).toBe('');
  });

  it('refuses the development secret and the embedded domain, and a short secret', () => {
    expect(problems({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: 'reply.clayton.example' })).toEqual(['INBOUND_EMAIL_SECRET']);
    expect(problems({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: 'reply.clayton.example', INBOUND_EMAIL_SECRET: DEV_INBOUND_EMAIL_SECRET })).toEqual(['INBOUND_EMAIL_SECRET']);
    expect(problems({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: 'reply.clayton.example', INBOUND_EMAIL_SECRET: 'short-but-16-chars' })).toEqual(['INBOUND_EMAIL_SECRET']);
    expect(problems({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: EMBEDDED_REPLY_DOMAIN, INBOUND_EMAIL_SECRET: 'y'.repeat(40) })).toEqual(['INBOUND_EMAIL_DOMAIN']);
    expect(problems({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: 'not a domain', INBOUND_EMAIL_SECRET: 'y'.repeat(40) })).toEqual(['INBOUND_EMAIL_DOMAIN']);
  });

  it('starts with a domain of its own and a real secret', () => {
    const config = parseConfig({ ...GOOD_PRODUCTION, INBOUND_EMAIL_DOMAIN: 'Reply.Clayton.example', INBOUND_EMAIL_SECRET: 'y'.repeat(40) });
    expect(config).toMatchObject({ MODE: 'production', INBOUND_EMAIL_DOMAIN: 'reply.clayton.example' });
  });
});
