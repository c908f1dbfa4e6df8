// Settings a real deployment would give: nothing the repository publishes,
// nothing loopback. Tests of production's refusals start from these and
// change one setting at a time, so every such test needs the same full set.
export const GOOD_PRODUCTION_SETTINGS = {
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
  // An Ed25519 private key (PKCS#8, base64) made for these tests only.
  AUDIT_CHECKPOINT_KEY: 'MC4CAQAwBQYDK2VwBCIEIIb8LkwQhvRe7KmQzbQmb9VooSztL6GjfmEAUvCDN/cN',
} as const;
