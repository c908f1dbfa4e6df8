// Twilio-shaped SMS sink for dev and tests. It answers the Messages REST
// resource the way Twilio does (Basic auth, form-encoded input, JSON error
// bodies with Twilio's codes, 201 with a message resource), so the real
// `twilio` client is exercised end to end, and it calls back the app with
// status callbacks and inbound messages signed by twilio's own helper.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import twilio from 'twilio';
import { escapeHtml, linkify, page } from './html';
import { listen } from './listen';
import { createVoiceSink, type VoiceSink } from './voiceSink';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface StatusCallbackAttempt {
  status: SmsStatus;
  at: string;
  httpStatus: number | null;
  error: string | null;
}

export interface SunkSms {
  sid: string;
  direction: 'outbound-api' | 'inbound' | 'outbound-reply';
  from: string;
  to: string;
  body: string;
  status: SmsStatus;
  errorCode: number | null;
  statusCallback: string | null;
  callbacks: StatusCallbackAttempt[];
  dateCreated: string;
  /** When the message left the sink's queue ('sent'); null while queued, as Twilio's date_sent. */
  dateSent: string | null;
  /** For inbound messages: what the app answered (TwiML body) and its HTTP status. */
  appResponse?: { httpStatus: number | null; body: string; error: string | null };
}

export interface SmsSinkOptions {
  /** 0 picks a free port. */
  port: number;
  accountSid: string;
  authToken: string;
  host?: string;
  /** Where POST /_sink/reply delivers inbound SMS; default `${publicBaseUrl}/webhooks/twilio/sms`. */
  appWebhookUrl?: string;
  publicBaseUrl?: string;
  /** Delay before the 'sent' and then the 'delivered' callback. */
  callbackDelaysMs?: [number, number];
  /** Retry-After (seconds) sent with injected 429s. */
  retryAfterSeconds?: number;
  /** Number that inbound replies are addressed to when the caller does not say. */
  defaultInboundTo?: string;
  /**
   * Most messages one From number may send in any one second, as a carrier
   * limits a sender; more are answered 429 (Twilio's 20429). Unset: no limit.
   */
  maxPerSecondPerSender?: number;
}

/** One POST to the Messages resource, as the sink answered it (fault injection included). */
export interface SmsCreateRequest {
  at: number;
  httpStatus: number;
  to: string;
  from: string;
}

export interface FailNextOptions {
  /**
   * Accept the message first, then answer with the error anyway: the caller
   * cannot tell whether it was sent (a lost answer, a provider hiccup after
   * commit). Only for 500.
   */
  afterAccepting?: boolean;
}

export interface SmsSink {
  port: number;
  host: string;
  messages(): SunkSms[];
  clear(): void;
  /** The next `count` create calls answer with this status (Twilio's 20429 or 20500 bodies). */
  failNext(status: 429 | 500, count: number, options?: FailNextOptions): void;
  /**
   * Until `untilMs` (epoch ms) every REST call answers `status` (Twilio's error
   * body for it): the provider is down. `null` ends the outage now.
   */
  outage(status: 500 | 503 | null, untilMs?: number): void;
  /** Every create call since the last clear(), in arrival order, with the status it got. */
  createRequests(): SmsCreateRequest[];
  /** Simulates a person texting the app; returns what the app answered. */
  reply(input: { from: string; body: string; to?: string }): Promise<{ httpStatus: number | null; body: string; error: string | null }>;
  /** Resolves when every scheduled status callback has been attempted. */
  settled(): Promise<void>;
  close(): Promise<void>;
  /** The Calls API on the same port and account (devsinks/voiceSink.ts). */
  voice: VoiceSink;
}

/** Numbers the sink treats as "not a valid phone number" (Twilio 21211). */
export const INVALID_NUMBER_PREFIX = '+1555000';
/** Numbers that are accepted but end 'undelivered' (carrier error 30003, unreachable handset). */
export const UNREACHABLE_NUMBER_PREFIX = '+1555001';

const E164 = /^\+[1-9]\d{6,14}$/;

const ERROR_CODE_FOR_STATUS: Record<number, { code: number; message: string }> = {
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const newSid = (prefix: 'SM' | 'MM') => `${prefix}${randomBytes(16).toString('hex')}`;

/** RFC 2822 dates, as Twilio's resources carry them. */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function postSignedForm(
  url: string,
  params: Record<string, string>,
  authToken: string,
): Promise<{ httpStatus: number; body: string }> {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature,
      'User-Agent': 'TwilioProxy/1.1 (common-ground sms sink)',
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return { httpStatus: response.status, body: await response.text() };
}


const messageResource = (m: SunkSms, accountSid: string) => ({
  sid: m.sid,
  account_sid: accountSid,
  api_version: '2010-04-01',
  body: m.body,
  date_created: rfc2822(new Date(m.dateCreated)),
  date_updated: rfc2822(new Date()),
  date_sent: m.dateSent ? rfc2822(new Date(m.dateSent)) : null,
  direction: m.direction,
  error_code: m.errorCode,
  error_message: null,
  from: m.from,
  messaging_service_sid: null,
  num_media: '0',
  num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
  price: null,
  price_unit: 'USD',
  status: m.status,
  subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
  to: m.to,
  uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
});

export async function startSmsSink(options: SmsSinkOptions): Promise<SmsSink> {
  const host = options.host ?? '127.0.0.1';
  const { accountSid, authToken } = options;
  const [sentDelay, deliveredDelay] = options.callbackDelaysMs ?? [50, 100];
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const appWebhookUrl =
    options.appWebhookUrl ?? (options.publicBaseUrl ? `${options.publicBaseUrl.replace(/\/$/, '')}/webhooks/twilio/sms` : null);
  let stored: SunkSms[] = [];
  let faults: { status: 429 | 500; afterAccepting: boolean }[] = [];
  let outage: { status: 500 | 503; untilMs: number } | null = null;
  let createLog: SmsCreateRequest[] = [];
  /** Per sender, when its accepted messages were taken in (for maxPerSecondPerSender). */
  const acceptedAt = new Map<string, number[]>();
  const overSenderRate = (from: string, at: number, limit: number): boolean => {
    const recent = (acceptedAt.get(from) ?? []).filter((t) => t > at - 1000);
    const over = recent.length >= limit;
    if (!over) recent.push(at);
    acceptedAt.set(from, recent);
    return over;
  };
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const sendCallback = async (message: SunkSms, status: SmsStatus) => {
    message.status = status;
    message.dateSent ??= new Date().toISOString();
    if (status === 'undelivered' || status === 'failed') message.errorCode = 30003;
    if (!message.statusCallback) return;
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
    };
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    const attempt: StatusCallbackAttempt = { status, at: new Date().toISOString(), httpStatus: null, error: null };
    message.callbacks.push(attempt);
    try {
      attempt.httpStatus = (await postSignedForm(message.statusCallback, params, authToken)).httpStatus;
    } catch (err) {
      attempt.error = describeFetchError(err);
    }
  };

  const schedule = (delayMs: number, fn: () => Promise<void>) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(fn());
    }, delayMs);
    timers.add(timer);
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  const accountPath = '/2010-04-01/Accounts/:accountSid';

  app.use(accountPath, (req, res, next) => {
    const credentials = parseBasicAuth(req.headers.authorization);
    if (
      !credentials ||
      credentials.user !== accountSid ||
      credentials.password !== authToken ||
      req.params.accountSid !== accountSid
    ) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      return res.status(401).json(twilioError(401, 20003, 'Authenticate'));
    }
    next();
  });

  app.use(accountPath, (_req, res, next) => {
    if (outage && Date.now() >= outage.untilMs) outage = null;
    if (!outage) return next();
    const { code, message } = ERROR_CODE_FOR_STATUS[outage.status];
    res.status(outage.status).json(twilioError(outage.status, code, message));
  });

  app.post(`${accountPath}/Messages.json`, (req, res) => {
    const form = req.body as Record<string, unknown>;
    const to = typeof form.To === 'string' ? form.To.trim() : '';
    const from = typeof form.From === 'string' ? form.From.trim() : '';
    const logged: SmsCreateRequest = { at: Date.now(), httpStatus: 0, to, from };
    createLog.push(logged);
    res.on('finish', () => {
      logged.httpStatus = res.statusCode;
    });
    const fault = faults.shift();
    if (options.maxPerSecondPerSender && overSenderRate(from, logged.at, options.maxPerSecondPerSender)) {
      res.setHeader('Retry-After', String(retryAfterSeconds));
      return res.status(429).json(twilioError(429, 20429, 'Too Many Requests'));
    }
    if (fault?.status === 429) {
      res.setHeader('Retry-After', String(retryAfterSeconds));
      return res.status(429).json(twilioError(429, 20429, 'Too Many Requests'));
    }
    if (fault?.status === 500 && !fault.afterAccepting) return res.status(500).json(twilioError(500, 20500, 'Internal Server Error'));

    const body = typeof form.Body === 'string' ? form.Body : '';
    const statusCallback = typeof form.StatusCallback === 'string' && form.StatusCallback ? form.StatusCallback : null;
    if (!to) return res.status(400).json(twilioError(400, 21604, "A 'To' phone number is required."));
    if (!from) return res.status(400).json(twilioError(400, 21603, "A 'From' phone number is required."));
    if (!body) return res.status(400).json(twilioError(400, 21602, 'Message body is required.'));
    if (!E164.test(to) || to.startsWith(INVALID_NUMBER_PREFIX)) {
      return res.status(400).json(twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    }
    if (!E164.test(from)) {
      return res.status(400).json(twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`));
    }
    if (body.length > 1600) {
      return res.status(400).json(twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'));
    }
    const message: SunkSms = {
      sid: newSid('SM'),
      direction: 'outbound-api',
      from,
      to,
      body,
      status: 'queued',
      errorCode: null,
      statusCallback,
      callbacks: [],
      dateCreated: new Date().toISOString(),
      dateSent: null,
    };
    stored.push(message);
    schedule(sentDelay, () => sendCallback(message, 'sent'));
    const finalStatus: SmsStatus = to.startsWith(UNREACHABLE_NUMBER_PREFIX) ? 'undelivered' : 'delivered';
    schedule(sentDelay + deliveredDelay, () => sendCallback(message, finalStatus));
    if (fault?.afterAccepting) return res.status(500).json(twilioError(500, 20500, 'Internal Server Error'));
    res.status(201).json(messageResource(message, accountSid));
  });

  // Twilio's Messages list: newest first, filtered by To, From and DateSent
  // (exact day, or "DateSent<" / "DateSent>" for on-or-before / on-or-after,
  // each a YYYY-MM-DD day or a YYYY-MM-DDTHH:MM:SSZ instant), paged by
  // PageSize and Page with the page URIs Twilio's clients follow.
  app.get(`${accountPath}/Messages.json`, (req, res) => {
    const query = req.query as Record<string, unknown>;
    const text = (name: string): string | undefined => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const pageSize = text('PageSize') === undefined ? 50 : Number(text('PageSize'));
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return res.status(400).json(twilioError(400, 20001, 'PageSize must be an integer from 1 to 1000'));
    }
    const page = text('Page') === undefined ? 0 : Number(text('Page'));
    if (!Number.isInteger(page) || page < 0) return res.status(400).json(twilioError(400, 20001, 'Page must be a non-negative integer'));
    const bounds: { on?: [number, number]; after?: number; before?: number } = {};
    for (const [name, apply] of [
      ['DateSent', (d: SentDate) => (bounds.on = d.isDay ? [d.startMs, d.startMs + DAY_MS] : [d.startMs, d.startMs + 1000])],
      ['DateSent>', (d: SentDate) => (bounds.after = d.startMs)],
      ['DateSent<', (d: SentDate) => (bounds.before = d.isDay ? d.startMs + DAY_MS : d.startMs + 1000)],
    ] as const) {
      const raw = text(name);
      if (raw === undefined) continue;
      const parsed = parseSentDate(raw);
      if (!parsed) return res.status(400).json(twilioError(400, 20001, `Invalid ${name} value: ${raw}; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ`));
      apply(parsed);
    }
    const to = text('To');
    const from = text('From');
    const filtered = stored
      .filter((m) => (!to || m.to === to) && (!from || m.from === from))
      .filter((m) => {
        if (bounds.on === undefined && bounds.after === undefined && bounds.before === undefined) return true;
        if (!m.dateSent) return false;
        const sent = Date.parse(m.dateSent);
        if (bounds.on && (sent < bounds.on[0] || sent >= bounds.on[1])) return false;
        if (bounds.after !== undefined && sent < bounds.after) return false;
        if (bounds.before !== undefined && sent >= bounds.before) return false;
        return true;
      })
      .reverse();
    const base = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const filters = new URLSearchParams();
    for (const name of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
      const value = text(name);
      if (value !== undefined) filters.set(name, value);
    }
    const pageUri = (n: number) => {
      const params = new URLSearchParams(filters);
      params.set('PageSize', String(pageSize));
      params.set('Page', String(n));
      return `${base}?${params.toString()}`;
    };
    const start = page * pageSize;
    const items = filtered.slice(start, start + pageSize);
    res.json({
      first_page_uri: pageUri(0),
      end: start + Math.max(0, items.length - 1),
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      messages: items.map((m) => messageResource(m, accountSid)),
      uri: pageUri(page),
      page_size: pageSize,
      start,
      next_page_uri: start + pageSize < filtered.length ? pageUri(page + 1) : null,
      page,
    });
  });

  const voice = createVoiceSink({ accountSid, authToken });
  app.use(accountPath, voice.apiRouter);
  app.use(voice.controlRouter);

  app.get(`${accountPath}/Messages/:sid.json`, (req, res) => {
    const message = stored.find((m) => m.sid === req.params.sid);
    if (!message) {
      return res
        .status(404)
        .json(twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}/Messages/${req.params.sid}.json was not found`));
    }
    res.json(messageResource(message, accountSid));
  });

  const deliverReply = async (input: { from: string; body: string; to?: string }) => {
    const inbound: SunkSms = {
      sid: newSid('SM'),
      direction: 'inbound',
      from: input.from,
      to: input.to ?? options.defaultInboundTo ?? '+15005550006',
      body: input.body,
      status: 'received',
      errorCode: null,
      statusCallback: null,
      callbacks: [],
      dateCreated: new Date().toISOString(),
      dateSent: new Date().toISOString(),
    };
    stored.push(inbound);
    if (!appWebhookUrl) {
      inbound.appResponse = { httpStatus: null, body: '', error: 'no app webhook URL configured' };
      return inbound.appResponse;
    }
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      Body: inbound.body,
      From: inbound.from,
      To: inbound.to,
      MessageSid: inbound.sid,
      SmsMessageSid: inbound.sid,
      SmsSid: inbound.sid,
      SmsStatus: 'received',
      NumMedia: '0',
      NumSegments: '1',
    };
    try {
      const { httpStatus, body } = await postSignedForm(appWebhookUrl, params, authToken);
      inbound.appResponse = { httpStatus, body, error: null };
      // The app answers in TwiML; what it says back is an outbound reply to the sender.
      for (const match of body.matchAll(/<Message[^>]*>([\s\S]*?)<\/Message>/g)) {
        stored.push({
          sid: newSid('SM'),
          direction: 'outbound-reply',
          from: inbound.to,
          to: inbound.from,
          body: decodeXmlText(match[1]),
          status: 'delivered',
          errorCode: null,
          statusCallback: null,
          callbacks: [],
          dateCreated: new Date().toISOString(),
          dateSent: new Date().toISOString(),
        });
      }
    } catch (err) {
      inbound.appResponse = { httpStatus: null, body: '', error: describeFetchError(err) };
    }
    return inbound.appResponse;
  };

  app.get('/_sink/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json(stored.filter((m) => !to || m.to === to));
  });
  app.delete('/_sink/messages', (_req, res) => {
    stored = [];
    createLog = [];
    res.status(204).end();
  });
  app.post('/_sink/faults', (req, res) => {
    const status = Number(req.body?.status);
    const count = Number(req.body?.count ?? 1);
    if (status !== 429 && status !== 500) {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'status must be 429 or 500', field: 'status' } });
    }
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'count must be an integer from 1 to 1000', field: 'count' } });
    }
    faults = faults.concat(Array.from({ length: count }, () => ({ status: status as 429 | 500, afterAccepting: req.body?.afterAccepting === true && status === 500 })));
    if (req.is('application/x-www-form-urlencoded')) return res.redirect(303, '/');
    res.json({ pending: faults.length });
  });
  app.post('/_sink/outage', (req, res) => {
    const status = req.body?.status === null ? null : Number(req.body?.status);
    const seconds = Number(req.body?.seconds ?? 0);
    if (status !== null && status !== 500 && status !== 503) {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'status must be 500, 503 or null', field: 'status' } });
    }
    if (status !== null && (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)) {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'seconds must be from 1 to 3600', field: 'seconds' } });
    }
    outage = status === null ? null : { status, untilMs: Date.now() + seconds * 1000 };
    res.json({ outage: outage ? { status: outage.status, until: new Date(outage.untilMs).toISOString() } : null });
  });
  app.post('/_sink/reply', async (req, res) => {
    const from = typeof req.body?.from === 'string' ? req.body.from.trim() : '';
    const body = typeof req.body?.body === 'string' ? req.body.body : '';
    const to = typeof req.body?.to === 'string' && req.body.to.trim() ? req.body.to.trim() : undefined;
    if (!E164.test(from)) {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'from must be an E.164 number', field: 'from' } });
    }
    if (!body) return res.status(400).json({ error: { code: 'invalid_input', message: 'body is required', field: 'body' } });
    const appResponse = await deliverReply({ from, body, to });
    if (req.is('application/x-www-form-urlencoded')) return res.redirect(303, '/');
    res.json(appResponse);
  });

  app.get('/', (_req, res) => {
    const rows = stored
      .slice()
      .reverse()
      .map((m) => {
        const callbacks = m.callbacks
          .map((c) => `${escapeHtml(c.status)} → ${c.httpStatus ?? escapeHtml(c.error ?? 'pending')}`)
          .join('<br>');
        const app = m.appResponse
          ? `app answered ${m.appResponse.httpStatus ?? escapeHtml(m.appResponse.error ?? '')}`
          : callbacks;
        return `<tr>
  <td class="muted">${escapeHtml(m.dateCreated)}</td>
  <td>${escapeHtml(m.direction)}</td>
  <td>${escapeHtml(m.from)}</td>
  <td>${escapeHtml(m.to)}</td>
  <td>${linkify(m.body)}</td>
  <td class="status-${escapeHtml(m.status)}">${escapeHtml(m.status)}${m.errorCode ? ` (${m.errorCode})` : ''}</td>
  <td class="muted">${app}</td>
</tr>`;
      })
      .join('\n');
    res.type('html').send(
      page(
        'Local SMS sink',
        `<h1>Local SMS sink</h1>
<p class="muted">Every SMS the app sends through the Twilio client in embedded mode lands here. Numbers starting
${INVALID_NUMBER_PREFIX} are rejected as invalid (21211); numbers starting ${UNREACHABLE_NUMBER_PREFIX} end undelivered.
JSON: <a href="/_sink/messages">/_sink/messages</a>. Calls: <a href="/calls">the voice sink</a>. This page refreshes every 10 seconds.</p>
<form method="post" action="/_sink/reply">
  <strong>Text the app as someone</strong><br>
  <label>From <input name="from" required placeholder="+13145550101" pattern="\\+[1-9][0-9]{6,14}"></label>
  <label>Message <input name="body" required value="ACK"></label>
  <button type="submit">Send</button>
  <span class="muted">(delivered signed to ${escapeHtml(appWebhookUrl ?? 'no app URL configured')})</span>
</form>
<table>
<thead><tr><th scope="col">Created</th><th scope="col">Direction</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Body</th><th scope="col">Status</th><th scope="col">Callbacks</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">No messages yet.</td></tr>'}
</tbody>
</table>`,
        { refreshSeconds: 10 },
      ),
    );
  });

  const server = http.createServer(app);
  const port = await listen(server, options.port, host);

  return {
    port,
    host,
    messages: () => stored.slice(),
    clear: () => {
      stored = [];
      createLog = [];
    },
    failNext: (status, count, failOptions = {}) => {
      const afterAccepting = status === 500 && failOptions.afterAccepting === true;
      faults = faults.concat(Array.from({ length: count }, () => ({ status, afterAccepting })));
    },
    outage: (status, untilMs = Number.MAX_SAFE_INTEGER) => {
      outage = status === null ? null : { status, untilMs };
    },
    createRequests: () => createLog.slice(),
    reply: (input) => track(deliverReply(input)),
    settled: async () => {
      while (timers.size > 0 || inFlight.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await Promise.allSettled([...inFlight]);
      }
      await voice.settled();
    },
    voice,
    close: async () => {
      closed = true;
      await voice.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface SentDate {
  startMs: number;
  /** A bare YYYY-MM-DD names a whole UTC day. */
  isDay: boolean;
}

function parseSentDate(raw: string): SentDate | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    return Number.isNaN(ms) ? null : { startMs: ms, isDay: true };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(raw)) {
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? null : { startMs: ms, isDay: false };
  }
  return null;
}

/** fetch() says only "fetch failed"; the cause says why (e.g. ECONNREFUSED: the app is not running). */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
