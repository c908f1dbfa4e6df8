// The two real provider clients. Tests and the embedded mode point them at the
// loopback sinks (devsinks/); production points them at a real SMTP relay and
// at Twilio by configuration only.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../../lib/config';
import { ProviderRateLimitError, parseRetryAfterMs } from './errors';

export type Mailer = Transporter<SMTPPool.SentMessageInfo>;
export type SmsClient = twilio.Twilio;

type MailerConfig = Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_POOL_SIZE'> & Partial<Pick<Config, 'SMTP_REQUIRE_TLS'>>;

/** Pooled SMTP: a burst of incident notifications reuses a few open connections. */
export function createMailer(config: MailerConfig): Mailer {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: config.SMTP_POOL_SIZE,
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    // Without it nodemailer falls back to clear text when the relay does not offer STARTTLS.
    requireTLS: config.SMTP_REQUIRE_TLS ?? false,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    // Fail well inside the activity's start-to-close timeout (30 s), all three together, so an attempt
    // is over before Temporal starts the next one.
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 15_000,
  });
}

/** Keeps the path and query Twilio's client built and swaps the scheme, host and port. */
export function rewriteOrigin(uri: string, baseUrl: string): string {
  const original = new URL(uri);
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return `${base.origin}${prefix}${original.pathname}${original.search}`;
}

/**
 * Twilio's own HTTP client with two additions: an optional origin rewrite to a
 * Twilio-shaped sink, and a typed rate-limit error carrying Retry-After (the
 * stock RestException drops response headers).
 */
export class CommonGroundTwilioRequestClient extends twilio.RequestClient {
  constructor(
    private readonly apiBaseUrl: string | null,
    options: RequestClient.RequestClientOptions = {},
  ) {
    // Temporal owns retries (with jitter and durable state), so the client must not retry on its own.
    super({ timeout: 15_000, ...options, autoRetry: false });
  }

  override async request<TData>(options: RequestClient.RequestOptions<TData>) {
    const uri = this.apiBaseUrl ? rewriteOrigin(options.uri, this.apiBaseUrl) : options.uri;
    const response = await super.request<TData>({ ...options, uri });
    if (response.statusCode === 429) {
      const body = (typeof response.body === 'string' ? safeJson(response.body) : response.body) as
        | { code?: number; message?: string }
        | null;
      throw new ProviderRateLimitError(
        'twilio',
        parseRetryAfterMs(response.headers?.['retry-after']),
        body?.message ?? 'Too Many Requests',
        body?.code ?? 20429,
      );
    }
    return response;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

type SmsConfig = Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_API_BASE_URL'>;

export function createSmsClient(config: SmsConfig): SmsClient {
  const httpClient = new CommonGroundTwilioRequestClient(config.TWILIO_API_BASE_URL || null);
  return twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { httpClient, autoRetry: false });
}
