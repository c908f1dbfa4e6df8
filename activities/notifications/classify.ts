// What a provider's refusal means for one message: retry it, slow down, give
// up on this recipient on this channel, or give up on this message on this
// channel. Anything that retrying cannot change is never retried.
import { ProviderRateLimitError, ProviderUnavailableError } from './errors';

export interface ClassifiedFailure {
  /**
   * undeliverable  the provider refuses this recipient on this channel for good (Twilio 21211, SMTP 5xx at RCPT TO);
   * rejected       the provider refuses this message for good (any other SMTP 5xx, Twilio 4xx): same request, same answer;
   * rate-limited   slow down, then retry;
   * transient      retry.
   */
  kind: 'undeliverable' | 'rejected' | 'rate-limited' | 'transient';
  description: string;
  error: Error;
  /** The provider may have accepted the message although the call failed (timeout, lost answer, 5xx). */
  unconfirmed: boolean;
}

/** Twilio errors that say "this recipient cannot get SMS (or calls) from us", so retrying cannot help. */
const PERMANENT_TWILIO_RECIPIENT_CODES = new Set([
  21211, // invalid 'To' number
  21214, // 'To' number cannot be reached
  21215, // no permission to call this number's region
  21216, // 'To' number is blocked for calls
  21408, // no permission to send to this region
  21610, // recipient replied STOP
  21612, // 'To' number not reachable via this 'From'
  21614, // 'To' number is not a mobile number
  13224, // invalid phone number for calls
]);

/** Network errors raised before a request could reach the provider: nothing can have been sent. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyTwilioError(err: unknown): ClassifiedFailure {
  if (err instanceof ProviderRateLimitError) {
    return { kind: 'rate-limited', description: `twilio ${err.code ?? 429}: ${err.message}`, error: err, unconfirmed: false };
  }
  const e = err as { status?: unknown; code?: unknown; message?: string };
  if (typeof e?.status === 'number' && typeof e.code === 'number') {
    const description = `twilio ${e.code} (HTTP ${e.status}): ${e.message ?? ''}`.trim();
    if (PERMANENT_TWILIO_RECIPIENT_CODES.has(e.code)) return { kind: 'undeliverable', description, error: err as Error, unconfirmed: false };
    // A 4xx is Twilio refusing this exact request; sending it again gets the same answer.
    if (e.status >= 400 && e.status < 500 && e.status !== 408) return { kind: 'rejected', description, error: err as Error, unconfirmed: false };
    return { kind: 'transient', description, error: new ProviderUnavailableError('twilio', description, e.code, e.status), unconfirmed: e.status >= 500 };
  }
  const networkCode = errorCode(err);
  const description = `twilio request failed: ${(err as Error)?.message ?? String(err)}`;
  return {
    kind: 'transient',
    description,
    error: new ProviderUnavailableError('twilio', description, networkCode),
    unconfirmed: !(networkCode && NOT_SENT_NETWORK_CODES.has(networkCode)),
  };
}

export function classifySmtpError(err: unknown): ClassifiedFailure {
  const e = err as { responseCode?: unknown; command?: unknown; code?: unknown; message?: string };
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const description = `smtp ${responseCode ?? e?.code ?? 'error'}${e?.command ? ` at ${e.command}` : ''}: ${e?.message ?? String(err)}`;
  // 5xx on RCPT TO is the receiving system refusing this address for good. An
  // envelope error without a response code means the address did not even parse.
  const refusedRecipient = responseCode !== null && responseCode >= 500 && e.command === 'RCPT TO';
  const unparseableAddress = responseCode === null && e?.code === 'EENVELOPE';
  if (refusedRecipient || unparseableAddress) return { kind: 'undeliverable', description, error: err as Error, unconfirmed: false };
  // Any other 5xx (552 message too big at DATA, 554 transaction failed at MAIL FROM, 530 auth) is
  // permanent by RFC 5321: the same message gets the same answer.
  if (responseCode !== null && responseCode >= 500) return { kind: 'rejected', description, error: err as Error, unconfirmed: false };
  return {
    kind: 'transient',
    description,
    error: new ProviderUnavailableError('smtp', description, responseCode ?? ((e?.code as string) ?? null)),
    unconfirmed: responseCode === null,
  };
}

function errorCode(err: unknown): string | null {
  const direct = (err as { code?: unknown })?.code;
  if (typeof direct === 'string') return direct;
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : null;
}
