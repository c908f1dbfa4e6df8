import fs from 'node:fs';
import { z } from 'zod';

/**
 * The one place environment configuration is parsed. Every default is the
 * embedded mode, so a fresh clone runs with no environment at all. Production
 * is what runs outside embedded mode: MODE=production, NODE_ENV=production or
 * an API bound to anything but loopback. Production refuses to start while any
 * setting is one the repository publishes or one that cannot work for real
 * (every problem is listed at once; `npm run doctor` prints the same list).
 */
export const DEV_SECRET = 'embedded-mode-dev-secret-do-not-use-in-production';

/** Defaults that only make sense against the embedded sinks; the repository publishes them. */
export const SHIPPED_DEFAULTS = {
  DATABASE_URL: 'postgresql://commonground:commonground@127.0.0.1:54329/commonground',
  MAIL_FROM: 'Common Ground <no-reply@commonground.example.org>',
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'embedded-twilio-auth-token',
  /** Twilio's magic test number: accepted by the test API, never delivered. */
  TWILIO_FROM_NUMBER: '+15005550006',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:8026',
} as const;

/**
 * Acknowledgement by replying to the incident email: the domain of the signed
 * reply-to addresses (ack+<token>@<domain>) and the secret the inbound-parse
 * webhook is signed with. Embedded mode routes the domain to the local mail
 * sink; production has it off until INBOUND_EMAIL_DOMAIN names the domain the
 * city's inbound-parse provider receives for.
 */
export const EMBEDDED_REPLY_DOMAIN = 'reply.commonground.example.org';
export const DEV_INBOUND_EMAIL_SECRET = 'embedded-mode-inbound-email-secret';

/** Settings that may be read from a file named by <KEY>_FILE (container secrets) instead of the variable. */
export const SECRET_KEYS = ['LINK_SIGNING_SECRET', 'ACTOR_CLAIM_SECRET', 'TWILIO_AUTH_TOKEN', 'SMTP_PASSWORD', 'DATABASE_URL', 'AUDIT_CHECKPOINT_KEY', 'INBOUND_EMAIL_SECRET'] as const;

/**
 * Production checks an operator may waive by name for a rehearsal on one
 * machine (ALLOW_INSECURE=local-providers,http). The secrets, the demo
 * credentials and the shipped database password can never be waived.
 */
export const INSECURE_WAIVERS = ['local-providers', 'http'] as const;
export type InsecureWaiver = (typeof INSECURE_WAIVERS)[number];

/** The smallest production link-signing secret: 32 characters, e.g. `openssl rand -base64 32`. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const waivers = z
  .string()
  .transform((v) => v.split(',').map((w) => w.trim()).filter(Boolean))
  .pipe(z.array(z.enum(INSECURE_WAIVERS)));

/** True for names and addresses that only reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return bare === 'localhost' || bare.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

const urlHost = (url: string): string | undefined => {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
};

const fields = z.object({
  /** Unset: embedded, unless NODE_ENV=production or API_HOST is not loopback (then production). */
  MODE: z.enum(['embedded', 'production']).optional(),
  NODE_ENV: z.string().optional(),
  ALLOW_INSECURE: waivers.default(''),
  DATABASE_URL: z.string().url().default(SHIPPED_DEFAULTS.DATABASE_URL),
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
  /**
   * Workflows a worker keeps in memory between their tasks. A year's plan is
   * thousands of items waiting on timers; past this many, the least recently
   * used is evicted and replays its short history when its timer fires.
   * Each cached workflow holds about 0.8 MB of the worker's memory
   * (npm run bench:plan: peak RSS 1.3 GB at 1,000, 0.83 GB at 400), so 400
   * keeps a worker under 1 GB.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(400),
  /**
   * A new action item's workflow first runs this long before its first
   * reminder or escalation (domain/planLadder.ts itemStartDelay); until
   * then the server holds one timer for it and the worker nothing, so a
   * 10,000-item plan is armed at the pace the server records starts. Anyone
   * acting on the item runs it at once. A day covers a worker that is down
   * for hours and a morning on which thousands of first reminders fall due.
   */
  ITEM_WORKFLOW_WAKE_LEAD_SECONDS: z.coerce.number().int().min(0).max(90 * 86_400).default(86_400),
  /**
   * Worker Versioning (README "Deploying"): workers join this Worker Deployment
   * with a build id, and only the deployment's current version gets tasks.
   * Unset: unversioned workers (the embedded mode).
   */
  TEMPORAL_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _').optional(),
  /** Defaults to the hash of the workflow bundle the worker builds at start: same workflow code, same build. */
  TEMPORAL_WORKER_BUILD_ID: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _').optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:3000'),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  SMTP_SECURE: bool.default('false'),
  /**
   * Refuse to send unless the relay upgrades the connection with STARTTLS (messages carry signed links).
   * Unset: on in production (unless SMTP_SECURE, or the local-providers waiver), off in embedded mode.
   */
  SMTP_REQUIRE_TLS: bool.optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** Open SMTP connections a worker keeps: a fan-out to thousands goes only as fast as these turn round (and a crash can catch one email per connection). */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  MAIL_FROM: z.string().min(3).default(SHIPPED_DEFAULTS.MAIL_FROM),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').default(SHIPPED_DEFAULTS.TWILIO_ACCOUNT_SID),
  TWILIO_AUTH_TOKEN: z.string().min(8).default(SHIPPED_DEFAULTS.TWILIO_AUTH_TOKEN),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').default(SHIPPED_DEFAULTS.TWILIO_FROM_NUMBER),
  /** Loopback Twilio-shaped sink; empty means the real Twilio API. */
  TWILIO_API_BASE_URL: z.string().url().or(z.literal('')).default(SHIPPED_DEFAULTS.TWILIO_API_BASE_URL),
  LINK_SIGNING_SECRET: z.string().min(16).default(DEV_SECRET),
  /** Signs the actor claim on every update the API sends; the worker compiles it into the workflow bundle (docs/security-temporal.md). */
  ACTOR_CLAIM_SECRET: z.string().min(32).default(`${DEV_SECRET}-actor-claims`),
  /** Unset: the embedded reply domain in embedded mode, off ('') in production. */
  INBOUND_EMAIL_DOMAIN: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i, 'must be a domain name such as reply.clayton.example, or empty to turn acknowledgement by reply off')
    .or(z.literal(''))
    .optional(),
  INBOUND_EMAIL_SECRET: z.string().min(16).default(DEV_INBOUND_EMAIL_SECRET),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Public reads (pages' data, feeds) each API process serves per second at most; more wait their turn, so staff actions never queue behind residents. */
  PUBLIC_READS_PER_SECOND: z.coerce.number().int().min(1).default(200),
  /** Largest accepted JSON request body; bigger ones get 413. */
  API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  CITY_TIME_ZONE: z.string().min(1).default('America/Chicago'),
  POLICY_FILE: z.string().optional(),
  DEVSINKS_SMTP_PORT: z.coerce.number().int().default(1025),
  DEVSINKS_MAIL_HTTP_PORT: z.coerce.number().int().default(8025),
  DEVSINKS_SMS_HTTP_PORT: z.coerce.number().int().default(8026),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Most SMS sends per second from one sender number, across every worker (their send slots are shared in the database); a 429 lowers a worker's share for a while. */
  SMS_SENDS_PER_SECOND: z.coerce.number().min(1).max(1000).default(30),
  /** A message no provider accepted within this many minutes is marked FAILED and falls back to the other channel. */
  NOTIFICATION_DELIVERY_WINDOW_MINUTES: z.coerce.number().positive().default(30),
  /** Database connections per process (API, worker). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** A transaction waits this long for a connection before the request gets 503 + Retry-After. */
  DATABASE_TX_MAX_WAIT_MS: z.coerce.number().int().min(100).default(20_000),
  /** A query waits this long for a connection before the request gets 503 + Retry-After. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Requests the API works on at once; the rest wait their turn in arrival order (api/backpressure.ts). */
  API_MAX_CONCURRENT: z.coerce.number().int().min(1).default(48),
  /** Requests that may wait for a turn; one more is answered 503 + Retry-After at once. */
  API_MAX_QUEUED: z.coerce.number().int().min(0).default(5_000),
  /** A request that waited this long for its turn is answered 503 + Retry-After. */
  API_MAX_QUEUE_WAIT_MS: z.coerce.number().int().min(1).default(30_000),
  /**
   * Ed25519 private key (PEM, or base64 PKCS#8 DER) the daily audit checkpoint is signed with; give it to
   * the workers only, never to the database. Unset: a published development key that proves nothing.
   */
  AUDIT_CHECKPOINT_KEY: z.string().optional(),
  /** The matching public key (PEM, or base64 SPKI DER) for `npm run audit:verify` where the private key is not at hand. */
  AUDIT_CHECKPOINT_PUBLIC_KEY: z.string().optional(),
  /** How often the reconciler looks for incidents and items whose workflow never started. */
  RECONCILE_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /**
   * A workflow bundle built ahead of time (worker/workflowBundle.ts, same ACTOR_CLAIM_SECRET), so a restarted
   * worker is back in seconds (the chaos run). Unset: the worker bundles at start-up. Refused in production:
   * the bundle holds the actor-claim key, which must not be written to disk there.
   */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
});

type Fields = z.output<typeof fields>;

/** Production by any of its three signs; embedded only when none is present. */
export function effectiveMode(cfg: Pick<Fields, 'MODE' | 'NODE_ENV' | 'API_HOST'>): 'embedded' | 'production' {
  return cfg.MODE === 'production' || cfg.NODE_ENV === 'production' || !isLoopbackHost(cfg.API_HOST) ? 'production' : 'embedded';
}

/** Every reason production would refuse these settings, as [key, message]. */
export function productionProblems(cfg: Fields): [string, string][] {
  const problems: [string, string][] = [];
  const waived = (w: InsecureWaiver) => cfg.ALLOW_INSECURE.includes(w);

  if (cfg.LINK_SIGNING_SECRET === DEV_SECRET) {
    problems.push(['LINK_SIGNING_SECRET', 'is the development secret published in the repository: anyone could sign acknowledgement, review and progress links (set LINK_SIGNING_SECRET or LINK_SIGNING_SECRET_FILE)']);
  } else if (cfg.LINK_SIGNING_SECRET.length < MIN_PRODUCTION_SECRET_LENGTH) {
    problems.push(['LINK_SIGNING_SECRET', `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production (e.g. openssl rand -base64 32)`]);
  }
  if (cfg.ACTOR_CLAIM_SECRET.startsWith(DEV_SECRET)) {
    problems.push(['ACTOR_CLAIM_SECRET', 'is the development key published in the repository: anyone reaching Temporal could forge updates (set ACTOR_CLAIM_SECRET or ACTOR_CLAIM_SECRET_FILE)']);
  } else if (cfg.ACTOR_CLAIM_SECRET === cfg.LINK_SIGNING_SECRET) {
    problems.push(['ACTOR_CLAIM_SECRET', 'must differ from LINK_SIGNING_SECRET (links go to people; the claim key only to the API and workers)']);
  }
  if (cfg.TWILIO_AUTH_TOKEN === SHIPPED_DEFAULTS.TWILIO_AUTH_TOKEN) {
    problems.push(['TWILIO_AUTH_TOKEN', 'is the public development default: anyone could forge Twilio webhooks (set your account\'s auth token)']);
  }
  if (cfg.DATABASE_URL === SHIPPED_DEFAULTS.DATABASE_URL) {
    problems.push(['DATABASE_URL', 'is the embedded development database with its published password']);
  }
  if (cfg.INBOUND_EMAIL_DOMAIN) {
    if (cfg.INBOUND_EMAIL_DOMAIN.toLowerCase() === EMBEDDED_REPLY_DOMAIN) {
      problems.push(['INBOUND_EMAIL_DOMAIN', 'is the example domain of the embedded mode: replies would never arrive; name the domain your inbound-parse provider receives for, or leave it empty']);
    }
    if (cfg.INBOUND_EMAIL_SECRET === DEV_INBOUND_EMAIL_SECRET) {
      problems.push(['INBOUND_EMAIL_SECRET', 'is the development secret published in the repository: anyone could post forged replies that acknowledge incidents (set INBOUND_EMAIL_SECRET or INBOUND_EMAIL_SECRET_FILE)']);
    } else if (cfg.INBOUND_EMAIL_SECRET.length < MIN_PRODUCTION_SECRET_LENGTH) {
      problems.push(['INBOUND_EMAIL_SECRET', `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`]);
    }
  }

  if (!waived('local-providers')) {
    if (isLoopbackHost(cfg.SMTP_HOST)) {
      problems.push(['SMTP_HOST', `is loopback (${cfg.SMTP_HOST}): every email would go to a local sink or fail; set your mail relay`]);
    }
    if (cfg.TWILIO_API_BASE_URL !== '' && isLoopbackHost(urlHost(cfg.TWILIO_API_BASE_URL) ?? '')) {
      problems.push(['TWILIO_API_BASE_URL', 'points at a loopback SMS sink: every text would fail and never fall back to email; set it empty for Twilio']);
    }
    if (cfg.TWILIO_ACCOUNT_SID === SHIPPED_DEFAULTS.TWILIO_ACCOUNT_SID) {
      problems.push(['TWILIO_ACCOUNT_SID', 'is the placeholder account of the embedded mode']);
    }
    if (cfg.TWILIO_FROM_NUMBER === SHIPPED_DEFAULTS.TWILIO_FROM_NUMBER) {
      problems.push(['TWILIO_FROM_NUMBER', "is Twilio's magic test number, which never delivers"]);
    }
    if (cfg.SMTP_REQUIRE_TLS === false && !cfg.SMTP_SECURE) {
      problems.push(['SMTP_REQUIRE_TLS', 'is off: mail and the signed links in it would cross the network in clear text whenever the relay offers no STARTTLS; leave it unset, or use SMTP_SECURE=true on port 465']);
    }
    if (cfg.MAIL_FROM === SHIPPED_DEFAULTS.MAIL_FROM) {
      problems.push(['MAIL_FROM', 'is the example.org sender of the embedded mode; mail from it fails SPF/DMARC checks']);
    }
  }
  if (cfg.TWILIO_API_BASE_URL !== '' && !cfg.TWILIO_API_BASE_URL.startsWith('https:') && !isLoopbackHost(urlHost(cfg.TWILIO_API_BASE_URL) ?? '')) {
    problems.push(['TWILIO_API_BASE_URL', 'must be https (or empty for Twilio itself)']);
  }
  if (!cfg.AUDIT_CHECKPOINT_KEY && !cfg.AUDIT_CHECKPOINT_PUBLIC_KEY) {
    problems.push(['AUDIT_CHECKPOINT_KEY', 'is unset: audit checkpoints would be signed with the published development key and prove nothing (workers sign with AUDIT_CHECKPOINT_KEY or AUDIT_CHECKPOINT_KEY_FILE; elsewhere AUDIT_CHECKPOINT_PUBLIC_KEY is enough)']);
  }
  if (cfg.WORKFLOW_BUNDLE_PATH) {
    problems.push(['WORKFLOW_BUNDLE_PATH', 'a prebuilt bundle holds the actor-claim key on disk; production workers bundle in memory at start-up']);
  }
  if (!waived('http') && !cfg.PUBLIC_BASE_URL.startsWith('https:')) {
    problems.push(['PUBLIC_BASE_URL', 'must be https: session cookies are only marked Secure, and HSTS only sent, on https']);
  }
  return problems;
}

/** Settings that only work together, in every mode, as [key, message]. */
function combinationProblems(cfg: Fields): [string, string][] {
  const problems: [string, string][] = [];
  if (Boolean(cfg.TEMPORAL_TLS_CERT_FILE) !== Boolean(cfg.TEMPORAL_TLS_KEY_FILE)) {
    problems.push([cfg.TEMPORAL_TLS_CERT_FILE ? 'TEMPORAL_TLS_KEY_FILE' : 'TEMPORAL_TLS_CERT_FILE', 'the client certificate and its key are set together']);
  }
  return problems;
}

export const configSchema = fields
  .transform((cfg) => {
    const mode = effectiveMode(cfg);
    const localProviders = cfg.ALLOW_INSECURE.includes('local-providers');
    return {
      ...cfg,
      MODE: mode,
      INBOUND_EMAIL_DOMAIN: (cfg.INBOUND_EMAIL_DOMAIN ?? (mode === 'embedded' ? EMBEDDED_REPLY_DOMAIN : '')).toLowerCase(),
      SMTP_REQUIRE_TLS: cfg.SMTP_REQUIRE_TLS ?? (mode === 'production' && !cfg.SMTP_SECURE && !localProviders),
    };
  })
  .superRefine((cfg, ctx) => {
    if (cfg.MODE !== 'production') return;
    for (const [key, message] of productionProblems(cfg)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message });
  });

export type Config = z.infer<typeof configSchema>;

export interface ConfigProblem {
  key: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** <KEY>_FILE names a file holding the value (Docker and Kubernetes secrets); a trailing line break is not part of it. */
function readSecretFiles(env: Env): { env: Env; problems: ConfigProblem[] } {
  const resolved: Env = { ...env };
  const problems: ConfigProblem[] = [];
  for (const key of SECRET_KEYS) {
    const file = env[`${key}_FILE`];
    if (!file) continue;
    if (env[key]) {
      problems.push({ key: `${key}_FILE`, message: `set ${key} or ${key}_FILE, not both` });
      continue;
    }
    try {
      resolved[key] = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push({ key: `${key}_FILE`, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    }
  }
  return { env: resolved, problems };
}

export interface ConfigCheck {
  /** Present when the settings are usable in the mode they resolve to. */
  config?: Config;
  mode: 'embedded' | 'production';
  /** What stops start-up, all of it. */
  problems: ConfigProblem[];
  /** What production would refuse, whatever the mode (for `npm run doctor`). */
  productionProblems: ConfigProblem[];
  /** Worth knowing, never fatal. */
  warnings: string[];
  /** The database to check for demo credentials, when the settings name one. */
  databaseUrl?: string;
}

/** Checks settings without throwing: every problem, the production ones even in embedded mode. */
export function checkConfig(env: Env): ConfigCheck {
  // Empty strings from shell exports mean "unset", except where '' is meaningful.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || k === 'TWILIO_API_BASE_URL' || k === 'INBOUND_EMAIL_DOMAIN')),
  );
  const files = readSecretFiles(cleaned);
  const warnings: string[] = [];
  if (cleaned.SESSION_SECRET !== undefined) warnings.push('SESSION_SECRET is set but not used (sessions are random tokens stored as digests); remove it');

  const parsedFields = fields.safeParse(files.env);
  const fieldProblems = parsedFields.success
    ? combinationProblems(parsedFields.data).map(([key, message]) => ({ key, message }))
    : parsedFields.error.issues.map((i) => ({ key: i.path.join('.'), message: i.message }));
  const mode = effectiveMode({ MODE: files.env.MODE === 'production' ? 'production' : undefined, NODE_ENV: files.env.NODE_ENV, API_HOST: files.env.API_HOST ?? '127.0.0.1' });
  if (files.env.MODE === 'embedded' && mode === 'production') {
    warnings.push(`MODE=embedded is overridden: ${files.env.NODE_ENV === 'production' ? 'NODE_ENV=production' : `API_HOST=${files.env.API_HOST} is not loopback`} means production`);
  }
  const forProduction = parsedFields.success ? productionProblems(parsedFields.data).map(([key, message]) => ({ key, message })) : [];
  if (parsedFields.success && mode === 'production' && parsedFields.data.ALLOW_INSECURE.length > 0) {
    warnings.push(`ALLOW_INSECURE=${parsedFields.data.ALLOW_INSECURE.join(',')} waives production checks: a rehearsal, not a deployment`);
  }

  const problems = [...files.problems, ...fieldProblems, ...(mode === 'production' ? forProduction : [])];
  const config = problems.length === 0 && parsedFields.success ? configSchema.parse(files.env) : undefined;
  const databaseUrl = parsedFields.success ? parsedFields.data.DATABASE_URL : undefined;
  return { config, mode, problems, productionProblems: [...files.problems, ...fieldProblems, ...forProduction], warnings, databaseUrl };
}

export function parseConfig(env: Env): Config {
  const result = checkConfig(env);
  if (!result.config) throw new ConfigError(result.problems);
  return result.config;
}

let cached: Config | undefined;

/** Parsed once per process; fails fast on the first call, listing every problem (warnings go to stderr). */
export function config(): Config {
  if (!cached) {
    const check = checkConfig(process.env);
    for (const warning of check.warnings) console.warn(`[config] warning: ${warning}`);
    if (!check.config) throw new ConfigError(check.problems);
    cached = check.config;
  }
  return cached;
}
