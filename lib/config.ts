import { z } from 'zod';

/**
 * The one place environment configuration is parsed. Every default is the
 * embedded mode, so a fresh clone runs with no environment at all; production
 * must override the secrets (checked below) and the endpoints.
 */
const DEV_SECRET = 'embedded-mode-dev-secret-do-not-use-in-production';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const configSchema = z
  .object({
    MODE: z.enum(['embedded', 'production']).default('embedded'),
    DATABASE_URL: z.string().url().default('postgresql://commonground:commonground@127.0.0.1:54329/commonground'),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('common-ground'),
    /**
     * mTLS to the Temporal frontend (the production topology; scripts/make-certs.sh).
     * Unset: plain gRPC, as the embedded dev server expects. The CA verifies the
     * server; the certificate and key (always together) identify this process.
     */
    TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
    /** The name in the server's certificate, when it differs from the host in TEMPORAL_ADDRESS. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    /** host:port where a worker serves its Prometheus metrics (the SDK's); unset: none. */
    WORKER_METRICS_ADDRESS: z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional(),
    /** A workflow bundle built ahead (scripts/bundle-workflows.ts); unset: the worker bundles workflows/ at start. */
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
    /**
     * Worker Versioning (README "Deploying"): workers join this Worker Deployment
     * with a build id, and only the deployment's current version gets tasks.
     * Unset: unversioned workers (the embedded mode).
     */
    TEMPORAL_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _').optional(),
    /** Defaults to the hash of the workflow bundle (WORKFLOW_BUNDLE_PATH): same workflow code, same build. */
    TEMPORAL_WORKER_BUILD_ID: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _').optional(),
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:3000'),
    SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
    SMTP_SECURE: bool.default('false'),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
    MAIL_FROM: z.string().min(3).default('Common Ground <no-reply@commonground.example.org>'),
    TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').default('AC00000000000000000000000000000000'),
    TWILIO_AUTH_TOKEN: z.string().min(8).default('embedded-twilio-auth-token'),
    TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').default('+15005550006'),
    /** Loopback Twilio-shaped sink; empty means the real Twilio API. */
    TWILIO_API_BASE_URL: z.string().url().or(z.literal('')).default('http://127.0.0.1:8026'),
    LINK_SIGNING_SECRET: z.string().min(16).default(DEV_SECRET),
    SESSION_SECRET: z.string().min(16).default(DEV_SECRET),
    ACK_LINK_TTL_HOURS: z.coerce.number().positive().default(72),
    SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
    /** Largest accepted JSON request body; bigger ones get 413. */
    API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
    CITY_TIME_ZONE: z.string().min(1).default('America/Chicago'),
    POLICY_FILE: z.string().optional(),
    DEVSINKS_SMTP_PORT: z.coerce.number().int().default(1025),
    DEVSINKS_MAIL_HTTP_PORT: z.coerce.number().int().default(8025),
    DEVSINKS_SMS_HTTP_PORT: z.coerce.number().int().default(8026),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((cfg, ctx) => {
    if (Boolean(cfg.TEMPORAL_TLS_CERT_FILE) !== Boolean(cfg.TEMPORAL_TLS_KEY_FILE)) {
      const missing = cfg.TEMPORAL_TLS_CERT_FILE ? 'TEMPORAL_TLS_KEY_FILE' : 'TEMPORAL_TLS_CERT_FILE';
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: 'the client certificate and its key are set together' });
    }
    if (cfg.TEMPORAL_DEPLOYMENT_NAME && !cfg.TEMPORAL_WORKER_BUILD_ID && !cfg.WORKFLOW_BUNDLE_PATH) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['TEMPORAL_DEPLOYMENT_NAME'],
        message: 'a versioned worker needs WORKFLOW_BUNDLE_PATH (its hash is the build id) or TEMPORAL_WORKER_BUILD_ID',
      });
    }
    if (cfg.MODE !== 'production') return;
    for (const key of ['LINK_SIGNING_SECRET', 'SESSION_SECRET'] as const) {
      if (cfg[key] === DEV_SECRET) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'must be set to a real secret in production mode' });
      }
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings from shell exports mean "unset", except where '' is meaningful.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || k === 'TWILIO_API_BASE_URL')),
  );
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

let cached: Config | undefined;

/** Parsed once per process; fails fast on the first call. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
