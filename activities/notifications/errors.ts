// Provider failures as the notification activity sees them. The activity
// interceptor turns the retryable ones into ApplicationFailures that carry an
// explicit, jittered nextRetryDelay (the Temporal server's own backoff has no
// jitter), and honours the provider's Retry-After.

/** The provider asked us to slow down (Twilio 20429 / HTTP 429). Retryable, not before retryAfterMs. */
export class ProviderRateLimitError extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number | null,
    message = 'provider rate limit',
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderRateLimitError';
  }
}

/** A failure that is worth retrying: provider 5xx, network errors, SMTP 4xx. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly code: string | number | null = null,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/** Parses a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: unknown, now: Date = new Date()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number' && Number.isFinite(raw)) return Math.max(0, raw * 1000);
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw.trim()) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
