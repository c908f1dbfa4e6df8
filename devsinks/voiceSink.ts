// The Calls half of the Twilio-shaped sink (mounted by smsSink.ts on the same
// port and under the same account): the real `twilio` client's
// calls.create() lands here. A call then rings the way Twilio's do: status
// callbacks (initiated, ringing, answered, completed) signed with
// X-Twilio-Signature, and, once someone answers, the TwiML is run: what it
// says is kept, and a key pressed during <Gather> is posted to its action URL
// (signed too), whose TwiML answer is run in turn.
//
// Who answers: a person in the browser (/calls), a test (answer(), decline()),
// or a script set for a number (POST /_sink/voice/script). Unanswered calls
// ring out to "no-answer" after their Timeout. Numbers starting +1555000 are
// invalid (21211), +1555001 never connect ("failed").
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import twilio from 'twilio';
import { escapeHtml, page } from './html';

export type CallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
const FINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** What happens to calls to a number without anyone at the sink's page. */
export type CallScript = { answer: 'press'; digits: string } | { answer: 'silent' } | { answer: 'busy' } | { answer: 'no-answer' } | { answer: 'manual' };

export interface CallbackAttempt {
  event: string;
  status: CallStatus;
  at: string;
  httpStatus: number | null;
  error: string | null;
}

export interface SunkCall {
  sid: string;
  from: string;
  to: string;
  direction: 'outbound-api';
  status: CallStatus;
  twiml: string | null;
  url: string | null;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  timeoutSeconds: number;
  dateCreated: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** Every <Say> the callee heard, in order. */
  said: string[];
  /** The keys pressed, one entry per <Gather> answered. */
  digits: string[];
  callbacks: CallbackAttempt[];
  /** The app's answers to gather actions (TwiML) or to a Url fetch. */
  appResponses: { url: string; httpStatus: number | null; body: string; error: string | null }[];
}

export interface VoiceSinkOptions {
  accountSid: string;
  authToken: string;
  /** Delay between progress steps (queued -> initiated -> ringing; a scripted answer). */
  progressDelayMs?: number;
  /** Longest a call rings before "no-answer", whatever Timeout the caller asked for. */
  maxRingMs?: number;
}

export interface VoiceSink {
  /** Calls.json and Calls/<sid>.json; mount at /2010-04-01/Accounts/:accountSid after the account's auth. */
  apiRouter: Router;
  /** The sink's own controls: /calls (page), /_sink/calls, /_sink/voice/script. */
  controlRouter: Router;
  calls(): SunkCall[];
  /** Answers a ringing call; each string in `keys` is pressed at one <Gather> (none: the callee stays silent). */
  answer(sid: string, ...keys: string[]): Promise<SunkCall>;
  /** Ends a ringing call unanswered. */
  decline(sid: string, status: 'busy' | 'no-answer' | 'failed'): Promise<SunkCall>;
  /** What calls to `to` do from now on (manual: wait for someone, the default). */
  script(to: string, script: CallScript): void;
  clear(): void;
  settled(): Promise<void>;
  close(): Promise<void>;
}

export const INVALID_CALL_PREFIX = '+1555000';
export const UNREACHABLE_CALL_PREFIX = '+1555001';
const E164 = /^\+[1-9]\d{6,14}$/;

const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

const attribute = (attrs: string, name: string): string | undefined => {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs);
  return match ? decodeXml(match[1]) : undefined;
};

const saysIn = (twiml: string): string[] => [...twiml.matchAll(/<Say\b[^>]*>([\s\S]*?)<\/Say>/g)].map((m) => decodeXml(m[1]));

/** The first <Gather> of a TwiML document: its action, what it says, and what is said after it. */
function readTwiml(twiml: string): { before: string[]; gather: { action: string | undefined; method: string; says: string[] } | null; after: string[] } {
  const match = /<Gather\b([^>]*)>([\s\S]*?)<\/Gather>/.exec(twiml);
  if (!match) return { before: saysIn(twiml), gather: null, after: [] };
  return {
    before: saysIn(twiml.slice(0, match.index)),
    gather: { action: attribute(match[1], 'action'), method: (attribute(match[1], 'method') ?? 'POST').toUpperCase(), says: saysIn(match[2]) },
    after: saysIn(twiml.slice(match.index + match[0].length)),
  };
}

async function postSigned(url: string, params: Record<string, string>, authToken: string): Promise<{ httpStatus: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(authToken, url, params),
      'User-Agent': 'TwilioProxy/1.1 (common-ground voice sink)',
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  return { httpStatus: response.status, body: await response.text() };
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

const callResource = (c: SunkCall, accountSid: string) => ({
  sid: c.sid,
  account_sid: accountSid,
  api_version: '2010-04-01',
  date_created: rfc2822(new Date(c.dateCreated)),
  date_updated: rfc2822(new Date()),
  start_time: c.answeredAt ? rfc2822(new Date(c.answeredAt)) : null,
  end_time: c.endedAt ? rfc2822(new Date(c.endedAt)) : null,
  duration: c.answeredAt && c.endedAt ? String(Math.round((Date.parse(c.endedAt) - Date.parse(c.answeredAt)) / 1000)) : null,
  direction: c.direction,
  from: c.from,
  from_formatted: c.from,
  to: c.to,
  to_formatted: c.to,
  status: c.status,
  parent_call_sid: null,
  phone_number_sid: null,
  price: null,
  price_unit: 'USD',
  answered_by: null,
  caller_name: null,
  forwarded_from: null,
  group_sid: null,
  queue_time: '0',
  trunk_sid: null,
  subresource_uris: {},
  uri: `/2010-04-01/Accounts/${accountSid}/Calls/${c.sid}.json`,
});

export function createVoiceSink(options: VoiceSinkOptions): VoiceSink {
  const { accountSid, authToken } = options;
  const step = options.progressDelayMs ?? 50;
  const maxRingMs = options.maxRingMs ?? 60_000;
  let stored: SunkCall[] = [];
  const scripts = new Map<string, CallScript>();
  const ringTimers = new Map<string, NodeJS.Timeout>();
  /** Each call's last status callback: the next one is posted after it, so the app hears a call's events in order. */
  const callbackQueues = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };
  const later = (ms: number, fn: () => Promise<unknown>) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      track(fn());
    }, ms);
    timers.add(timer);
  };

  const baseParams = (c: SunkCall): Record<string, string> => ({
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: c.sid,
    CallStatus: c.status,
    Direction: c.direction,
    From: c.from,
    To: c.to,
  });

  /** Moves the call on and posts the status callback if the caller asked for that event. */
  async function progress(c: SunkCall, status: CallStatus, event: string): Promise<void> {
    c.status = status;
    if (status === 'in-progress') c.answeredAt = new Date().toISOString();
    if (FINAL.has(status)) c.endedAt = new Date().toISOString();
    if (!c.statusCallback || !c.statusCallbackEvents.includes(event)) return;
    const params: Record<string, string> = {
      ...baseParams(c),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(c.callbacks.length),
      Timestamp: rfc2822(new Date()),
    };
    if (FINAL.has(status)) {
      const seconds = c.answeredAt && c.endedAt ? Math.round((Date.parse(c.endedAt) - Date.parse(c.answeredAt)) / 1000) : 0;
      params.CallDuration = String(seconds);
      params.Duration = String(Math.ceil(seconds / 60));
    }
    const attempt: CallbackAttempt = { event, status, at: new Date().toISOString(), httpStatus: null, error: null };
    c.callbacks.push(attempt);
    const url = c.statusCallback;
    const posted = (callbackQueues.get(c.sid) ?? Promise.resolve()).then(async () => {
      try {
        attempt.httpStatus = (await postSigned(url, params, authToken)).httpStatus;
      } catch (err) {
        attempt.error = describeFetchError(err);
      }
    });
    callbackQueues.set(c.sid, posted);
    await posted;
    if (callbackQueues.get(c.sid) === posted) callbackQueues.delete(c.sid);
  }

  const ringing = (sid: string): SunkCall => {
    const c = stored.find((x) => x.sid === sid);
    if (!c) throw Object.assign(new Error(`no call ${sid}`), { status: 404 });
    if (c.status !== 'ringing') throw Object.assign(new Error(`call ${sid} is ${c.status}, not ringing`), { status: 409 });
    clearTimeout(ringTimers.get(sid));
    ringTimers.delete(sid);
    return c;
  };

  /** The TwiML the call runs: inline, or fetched from its Url as Twilio would. */
  async function documentOf(c: SunkCall): Promise<string> {
    if (c.twiml) return c.twiml;
    if (!c.url) return '<Response/>';
    try {
      const { httpStatus, body } = await postSigned(c.url, baseParams(c), authToken);
      c.appResponses.push({ url: c.url, httpStatus, body, error: null });
      return body;
    } catch (err) {
      c.appResponses.push({ url: c.url, httpStatus: null, body: '', error: describeFetchError(err) });
      return '<Response/>';
    }
  }

  /** Runs TwiML as the callee hears it; a key from `keys` answers each <Gather> in turn. */
  async function run(c: SunkCall, twiml: string, keys: string[], depth = 0): Promise<void> {
    const doc = readTwiml(twiml);
    c.said.push(...doc.before);
    if (!doc.gather) return;
    c.said.push(...doc.gather.says);
    const key = keys.shift();
    if (!key || !doc.gather.action) {
      c.said.push(...doc.after);
      return;
    }
    c.digits.push(key);
    const params = { ...baseParams(c), Digits: key, FinishedOnKey: '' };
    try {
      const { httpStatus, body } = await postSigned(doc.gather.action, params, authToken);
      c.appResponses.push({ url: doc.gather.action, httpStatus, body, error: null });
      if (httpStatus < 300 && depth < 5) await run(c, body, keys, depth + 1);
    } catch (err) {
      c.appResponses.push({ url: doc.gather.action, httpStatus: null, body: '', error: describeFetchError(err) });
    }
  }

  async function answer(sid: string, ...keys: string[]): Promise<SunkCall> {
    const c = ringing(sid);
    await progress(c, 'in-progress', 'answered');
    await run(c, await documentOf(c), [...keys]);
    await progress(c, 'completed', 'completed');
    return c;
  }

  async function decline(sid: string, status: 'busy' | 'no-answer' | 'failed'): Promise<SunkCall> {
    const c = ringing(sid);
    await progress(c, status, 'completed');
    return c;
  }

  /** queued -> initiated -> ringing, then the number's script, or ring until someone acts or it times out. */
  function dial(c: SunkCall): void {
    later(step, async () => {
      await progress(c, 'initiated', 'initiated');
      if (c.to.startsWith(UNREACHABLE_CALL_PREFIX)) {
        await progress(c, 'failed', 'completed');
        return;
      }
      await progress(c, 'ringing', 'ringing');
      const script = scripts.get(c.to) ?? { answer: 'manual' };
      if (script.answer === 'manual') {
        const timer = setTimeout(() => {
          ringTimers.delete(c.sid);
          if (c.status === 'ringing') track(progress(c, 'no-answer', 'completed'));
        }, Math.min(c.timeoutSeconds * 1000, maxRingMs));
        ringTimers.set(c.sid, timer);
        return;
      }
      later(step, async () => {
        if (c.status !== 'ringing') return;
        if (script.answer === 'press') await answer(c.sid, ...script.digits.split(''));
        else if (script.answer === 'silent') await answer(c.sid);
        else await decline(c.sid, script.answer);
      });
    });
  }

  // ---------------------------------------------------------------- the Calls resource

  const apiRouter = express.Router({ mergeParams: true });

  apiRouter.post('/Calls.json', (req, res) => {
    const form = req.body as Record<string, unknown>;
    const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
    const to = text('To');
    const from = text('From');
    const twiml = text('Twiml') || null;
    const url = text('Url') || null;
    if (!to) return res.status(400).json(twilioError(400, 21201, "No 'To' number is specified"));
    if (!from) return res.status(400).json(twilioError(400, 21213, "No 'From' number is specified"));
    if (!twiml && !url) return res.status(400).json(twilioError(400, 21205, 'Url parameter is required.'));
    if (!E164.test(to) || to.startsWith(INVALID_CALL_PREFIX)) {
      return res.status(400).json(twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    }
    if (!E164.test(from)) return res.status(400).json(twilioError(400, 21212, `The 'From' number ${from} is not a valid phone number.`));
    if (twiml && twiml.length > 4000) return res.status(400).json(twilioError(400, 13333, 'Twiml exceeds the 4000 character limit'));
    const events = ([] as unknown[]).concat(form.StatusCallbackEvent ?? []).flatMap((e) => String(e).split(/[\s,]+/)).filter(Boolean);
    const timeout = Number(text('Timeout') || 60);
    const call: SunkCall = {
      sid: `CA${randomBytes(16).toString('hex')}`,
      from,
      to,
      direction: 'outbound-api',
      status: 'queued',
      twiml,
      url,
      statusCallback: text('StatusCallback') || null,
      // Twilio sends only "completed" unless the caller names the events.
      statusCallbackEvents: events.length > 0 ? events : ['completed'],
      timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 600) : 60,
      dateCreated: new Date().toISOString(),
      answeredAt: null,
      endedAt: null,
      said: [],
      digits: [],
      callbacks: [],
      appResponses: [],
    };
    stored.push(call);
    dial(call);
    res.status(201).json(callResource(call, accountSid));
  });

  apiRouter.get('/Calls/:sid.json', (req, res) => {
    const call = stored.find((c) => c.sid === req.params.sid);
    if (!call) return res.status(404).json(twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}/Calls/${req.params.sid}.json was not found`));
    res.json(callResource(call, accountSid));
  });

  // ---------------------------------------------------------------- the sink's controls

  const controlRouter = express.Router();
  const formPost = (req: express.Request) => req.is('application/x-www-form-urlencoded');
  const fail = (res: express.Response, err: unknown) => {
    const status = (err as { status?: number }).status ?? 500;
    res.status(status).json({ error: { code: status === 404 ? 'not_found' : 'invalid_state', message: (err as Error).message } });
  };

  controlRouter.get('/_sink/calls', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json(stored.filter((c) => !to || c.to === to));
  });
  controlRouter.delete('/_sink/calls', (_req, res) => {
    stored = [];
    res.status(204).end();
  });
  controlRouter.post('/_sink/calls/:sid/answer', async (req, res) => {
    const keys = typeof req.body?.digits === 'string' ? req.body.digits.replace(/[^0-9*#]/g, '').split('') : [];
    try {
      const call = await track(answer(req.params.sid, ...keys));
      if (formPost(req)) return res.redirect(303, '/calls');
      res.json(call);
    } catch (err) {
      fail(res, err);
    }
  });
  controlRouter.post('/_sink/calls/:sid/decline', async (req, res) => {
    const status = req.body?.status;
    if (status !== 'busy' && status !== 'no-answer' && status !== 'failed') {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'status must be busy, no-answer or failed', field: 'status' } });
    }
    try {
      const call = await track(decline(req.params.sid, status));
      if (formPost(req)) return res.redirect(303, '/calls');
      res.json(call);
    } catch (err) {
      fail(res, err);
    }
  });
  controlRouter.post('/_sink/voice/script', (req, res) => {
    const to = typeof req.body?.to === 'string' ? req.body.to.trim() : '';
    const answerAs = req.body?.answer;
    if (!E164.test(to)) return res.status(400).json({ error: { code: 'invalid_input', message: 'to must be an E.164 number', field: 'to' } });
    let script: CallScript;
    if (answerAs === 'press') {
      const digits = typeof req.body?.digits === 'string' ? req.body.digits.replace(/[^0-9*#]/g, '') : '';
      if (!digits) return res.status(400).json({ error: { code: 'invalid_input', message: 'digits are required to press', field: 'digits' } });
      script = { answer: 'press', digits };
    } else if (answerAs === 'silent' || answerAs === 'busy' || answerAs === 'no-answer' || answerAs === 'manual') {
      script = { answer: answerAs };
    } else {
      return res.status(400).json({ error: { code: 'invalid_input', message: 'answer must be press, silent, busy, no-answer or manual', field: 'answer' } });
    }
    scripts.set(to, script);
    res.json({ to, script });
  });

  controlRouter.get('/calls', (_req, res) => {
    const rows = stored
      .slice()
      .reverse()
      .map((c) => {
        const actions =
          c.status === 'ringing'
            ? `<form method="post" action="/_sink/calls/${escapeHtml(c.sid)}/answer"><input type="hidden" name="digits" value="1"><button type="submit">Answer and press 1</button></form>
<form method="post" action="/_sink/calls/${escapeHtml(c.sid)}/answer"><input type="hidden" name="digits" value=""><button type="submit">Answer, press nothing</button></form>
<form method="post" action="/_sink/calls/${escapeHtml(c.sid)}/decline"><input type="hidden" name="status" value="no-answer"><button type="submit">Let it ring out</button></form>`
            : '';
        return `<tr>
  <td class="muted">${escapeHtml(c.dateCreated)}</td>
  <td>${escapeHtml(c.to)}</td>
  <td class="status-${escapeHtml(c.status)}">${escapeHtml(c.status)}</td>
  <td>${c.said.map((s) => `<p>${escapeHtml(s)}</p>`).join('')}${c.digits.length ? `<p class="muted">Pressed: ${escapeHtml(c.digits.join(', '))}</p>` : ''}</td>
  <td class="muted">${c.callbacks.map((cb) => `${escapeHtml(cb.event)} → ${cb.httpStatus ?? escapeHtml(cb.error ?? 'pending')}`).join('<br>')}</td>
  <td>${actions}</td>
</tr>`;
      })
      .join('\n');
    res.type('html').send(
      page(
        'Local voice sink',
        `<h1>Local voice sink</h1>
<p class="muted">Every call the app places through the Twilio client in embedded mode rings here. Answer it and press 1 to acknowledge the
incident, as an official would; unanswered calls ring out. Numbers starting ${INVALID_CALL_PREFIX} are invalid (21211), ${UNREACHABLE_CALL_PREFIX} never connect.
JSON: <a href="/_sink/calls">/_sink/calls</a>. Texts: <a href="/">the SMS sink</a>. This page refreshes every 5 seconds.</p>
<table>
<thead><tr><th scope="col">Created</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Heard</th><th scope="col">Callbacks</th><th scope="col">Act as the callee</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">No calls yet.</td></tr>'}
</tbody>
</table>`,
        { refreshSeconds: 5 },
      ),
    );
  });

  return {
    apiRouter,
    controlRouter,
    calls: () => stored.slice(),
    answer: (sid, ...keys) => track(answer(sid, ...keys)),
    decline: (sid, status) => track(decline(sid, status)),
    script: (to, script) => {
      scripts.set(to, script);
    },
    clear: () => {
      stored = [];
    },
    settled: async () => {
      while (timers.size > 0 || inFlight.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await Promise.allSettled([...inFlight]);
      }
    },
    close: async () => {
      closed = true;
      for (const timer of [...timers, ...ringTimers.values()]) clearTimeout(timer);
      timers.clear();
      ringTimers.clear();
      callbackQueues.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
