// Local SMTP inbox for dev and tests: a real SMTP server on loopback (the app's
// pooled nodemailer transport talks to it like to any relay) plus a readable
// inbox page and a JSON listing.
//
// It also stands in for the city's inbound-parse provider: mail it receives
// for the reply domain (a reply to an incident email, addressed to its signed
// ack+ Reply-To) is kept like any other and posted to the app's inbound
// webhook, signed as the provider would sign it. A message's page offers to
// reply as its recipient, through this same SMTP port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { INBOUND_SIGNATURE_HEADER, signInboundEmail } from '../lib/inboundEmailSignature';
import { escapeHtml, linkify, page } from './html';
import { parseMail } from './mime';
import { listen } from './listen';

export interface SunkMail {
  id: string;
  /** The Message-ID header, angle brackets included; the app derives it from the idempotency key. */
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  envelope: { from: string | null; to: string[] };
  headers: Record<string, string>;
  attachments: { filename: string | null; contentType: string }[];
  size: number;
  receivedAt: string;
  /** For mail to the reply domain: each attempt to hand it to the app's inbound webhook. */
  inbound?: { webhookUrl: string; attempts: { at: string; httpStatus: number | null; body: string; error: string | null }[] };
}

/** Where replies to incident emails go: mail for `domain` is posted, signed with `secret`, to `webhookUrl`. */
export interface InboundRelayOptions {
  domain: string;
  webhookUrl: string;
  secret: string;
}

export interface MailSinkOptions {
  /** 0 picks a free port. */
  smtpPort: number;
  httpPort: number;
  host?: string;
  /**
   * Which RCPT TO addresses get a permanent 550. Default: local part starting
   * with "bounce" or a domain ending in ".invalid" (RFC 2606), so tests and
   * demos can exercise undeliverable email without configuration.
   */
  isUndeliverable?: (address: string) => boolean;
  /** Oldest messages are dropped past this many, so a long dev session stays small. */
  maxMessages?: number;
  /** Hand replies for this domain to the app (embedded mode's inbound parse). */
  inbound?: InboundRelayOptions;
}

export interface MailSink {
  smtpPort: number;
  httpPort: number;
  host: string;
  messages(): SunkMail[];
  /** Messages accepted since the last clear(), counting those dropped past maxMessages. */
  acceptedCount(): number;
  clear(): void;
  /**
   * The next `count` transactions get `responseCode` (default a transient 451)
   * at MAIL FROM, or at the end of DATA (after the message was sent).
   */
  failNext(count: number, responseCode?: number, stage?: SmtpStage): void;
  /** Until `untilMs` (epoch ms) every transaction is refused at MAIL FROM with `responseCode`; `null` ends it now. */
  refuse(responseCode: number | null, untilMs?: number): void;
  /** Resolves when every received reply has been handed to the app (or given up on). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export type SmtpStage = 'MAIL FROM' | 'DATA';

const defaultIsUndeliverable = (address: string): boolean => {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  return local.startsWith('bounce') || domain.endsWith('.invalid');
};

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}


const addressesOf = (header: string | undefined): string[] =>
  header ? header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((a) => a.trim()).filter(Boolean) : [];

const bare = (address: string): string => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim();
const domainOf = (address: string): string => bare(address).split('@').pop()?.toLowerCase() ?? '';

/** Headers worth passing on; bodies and addresses travel in their own fields. */
const MAX_HEADER_VALUE = 2_000;

export async function startMailSink(options: MailSinkOptions): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const isUndeliverable = options.isUndeliverable ?? defaultIsUndeliverable;
  const maxMessages = options.maxMessages ?? 5000;
  let stored: SunkMail[] = [];
  let accepted = 0;
  let sequence = 0;
  let pendingFaults: { responseCode: number; stage: SmtpStage }[] = [];
  let refusal: { responseCode: number; untilMs: number } | null = null;
  /** A fault meant for DATA, taken at MAIL FROM of the same transaction. */
  const dataFaults = new WeakMap<object, number>();
  const faultText = (code: number) =>
    code >= 500 ? 'Requested action not taken: transaction failed (injected fault)' : 'Temporary local problem, try again later (injected fault)';
  const inFlight = new Set<Promise<unknown>>();
  const inbound = options.inbound;

  /** Posts a reply to the app as an inbound-parse provider would: signed, retried on 5xx and network errors. */
  async function relay(message: SunkMail): Promise<void> {
    if (!inbound || !message.inbound) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) headers[name] = value.slice(0, MAX_HEADER_VALUE);
    const body = JSON.stringify({
      from: message.from,
      to: message.envelope.to,
      subject: message.subject,
      text: message.text ?? '',
      messageId: message.messageId ?? undefined,
      inReplyTo: message.headers['in-reply-to'],
      headers,
      receivedAt: message.receivedAt,
    });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const record = { at: new Date().toISOString(), httpStatus: null as number | null, body: '', error: null as string | null };
      message.inbound.attempts.push(record);
      try {
        const response = await fetch(inbound.webhookUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [INBOUND_SIGNATURE_HEADER]: signInboundEmail(body, inbound.secret) },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        record.httpStatus = response.status;
        record.body = (await response.text()).slice(0, 2_000);
        if (response.status < 500) return;
      } catch (err) {
        record.error = (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }

  const smtp = new SMTPServer({
    authOptional: true,
    // Loopback only: no TLS, so the client does not try to verify a self-signed certificate.
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    size: 10 * 1024 * 1024,
    closeTimeout: 500,
    onMailFrom(_address: SMTPServerAddress, session, callback) {
      if (refusal && Date.now() >= refusal.untilMs) refusal = null;
      if (refusal) return callback(smtpError(refusal.responseCode, faultText(refusal.responseCode)));
      const fault = pendingFaults.shift();
      if (fault?.stage === 'DATA') dataFaults.set(session.envelope, fault.responseCode);
      else if (fault !== undefined) return callback(smtpError(fault.responseCode, faultText(fault.responseCode)));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (isUndeliverable(address.address)) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: mailbox unavailable`));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
        const dataFault = dataFaults.get(session.envelope);
        if (dataFault !== undefined) {
          dataFaults.delete(session.envelope);
          return callback(smtpError(dataFault, faultText(dataFault)));
        }
        const raw = Buffer.concat(chunks);
        try {
          const parsed = parseMail(raw);
          sequence += 1;
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          const isReply = !!inbound && recipients.some((address) => domainOf(address) === inbound.domain.toLowerCase());
          const message: SunkMail = {
            id: String(sequence),
            messageId: parsed.headers['message-id'] ?? null,
            from: parsed.headers.from ?? envelopeFrom ?? '',
            to: addressesOf(parsed.headers.to),
            subject: parsed.headers.subject ?? '',
            text: parsed.text,
            html: parsed.html,
            envelope: { from: envelopeFrom, to: recipients },
            headers: parsed.headers,
            attachments: parsed.attachments,
            size: raw.length,
            receivedAt: new Date().toISOString(),
            ...(isReply && inbound ? { inbound: { webhookUrl: inbound.webhookUrl, attempts: [] } } : {}),
          };
          stored.push(message);
          accepted += 1;
          // Trimmed a tenth at a time: trimming on every message copied the whole list each time.
          if (stored.length >= maxMessages + Math.ceil(maxMessages / 10)) stored = stored.slice(stored.length - maxMessages);
          callback(null);
          if (message.inbound) {
            const delivery = relay(message).catch(() => undefined);
            inFlight.add(delivery);
            void delivery.finally(() => inFlight.delete(delivery));
          }
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });

  const app = express();
  app.disable('x-powered-by');

  const filtered = (query: Record<string, unknown>): SunkMail[] => {
    const to = typeof query.to === 'string' ? query.to.toLowerCase() : undefined;
    const since = typeof query.since === 'string' ? Date.parse(query.since) : NaN;
    return stored.filter(
      (m) =>
        (!to || m.envelope.to.some((a) => a.toLowerCase() === to)) &&
        (Number.isNaN(since) || Date.parse(m.receivedAt) >= since),
    );
  };

  app.get('/api/messages', (req, res) => {
    res.json(filtered(req.query as Record<string, unknown>));
  });
  app.get('/api/messages/:id', (req, res) => {
    const message = stored.find((m) => m.id === req.params.id);
    if (!message) return res.status(404).json({ error: { code: 'not_found', message: 'message not found' } });
    res.json(message);
  });
  app.delete('/api/messages', (_req, res) => {
    stored = [];
    res.status(204).end();
  });

  app.get('/', (req, res) => {
    const list = filtered(req.query as Record<string, unknown>).slice().reverse();
    const rows = list
      .map(
        (m) => `<tr>
  <td class="muted">${escapeHtml(m.receivedAt)}</td>
  <td>${escapeHtml(m.envelope.to.join(', '))}</td>
  <td><a href="/messages/${escapeHtml(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td>
  <td>${m.text ? linkify(m.text.length > 400 ? `${m.text.slice(0, 400)}…` : m.text) : ''}</td>
</tr>`,
      )
      .join('\n');
    res.type('html').send(
      page(
        'Local mail inbox',
        `<h1>Local mail inbox</h1>
<p class="muted">Every email the app sends in embedded mode lands here (SMTP on ${escapeHtml(host)}:${smtpPort}).
${list.length} message(s). JSON: <a href="/api/messages">/api/messages</a>. This page refreshes every 10 seconds.</p>
<table>
<thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Text</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">No messages yet.</td></tr>'}
</tbody>
</table>`,
        { refreshSeconds: 10 },
      ),
    );
  });

  app.get('/messages/:id', (req, res) => {
    const m = stored.find((x) => x.id === req.params.id);
    if (!m) return res.status(404).type('html').send(page('Not found', '<h1>Message not found</h1><p><a href="/">Back to the inbox</a></p>'));
    res.type('html').send(
      page(
        m.subject || 'Message',
        `<p><a href="/">Back to the inbox</a></p>
<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<table>
<tr><th scope="row">From</th><td>${escapeHtml(m.from)}</td></tr>
<tr><th scope="row">To</th><td>${escapeHtml(m.to.join(', '))}</td></tr>
<tr><th scope="row">Received</th><td>${escapeHtml(m.receivedAt)}</td></tr>
<tr><th scope="row">Message-ID</th><td>${escapeHtml(m.messageId ?? '')}</td></tr>
</table>
<h2>Text</h2>
<pre>${linkify(m.text ?? '')}</pre>
${replyForm(m)}
${m.inbound ? `<h2>Handed to the app</h2><p class="muted">${m.inbound.attempts.map((a) => `${escapeHtml(a.at)}: ${a.httpStatus ?? escapeHtml(a.error ?? 'pending')} ${escapeHtml(a.body)}`).join('<br>') || 'pending'}</p>` : ''}
${m.html ? `<h2>HTML</h2><iframe title="HTML body" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" src="/messages/${escapeHtml(m.id)}/html"></iframe>` : ''}`,
      ),
    );
  });

  /** Replying as the recipient, through this sink's own SMTP port: the reply arrives like any inbound mail. */
  function replyForm(m: SunkMail): string {
    const replyTo = m.headers['reply-to'];
    if (!replyTo || !inbound || domainOf(replyTo) !== inbound.domain.toLowerCase()) return '';
    return `<form method="post" action="/messages/${escapeHtml(m.id)}/reply">
  <strong>Reply as ${escapeHtml(m.envelope.to[0] ?? 'the recipient')}</strong> (to ${escapeHtml(bare(replyTo))})<br>
  <label>Message <input name="text" value="Acknowledged."></label>
  <button type="submit">Send reply</button>
</form>`;
  }

  async function sendReply(m: SunkMail, text: string, from?: string): Promise<void> {
    const replyTo = m.headers['reply-to'];
    if (!replyTo) throw new Error('the message has no Reply-To');
    const transport = nodemailer.createTransport({ host, port: smtpPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({
        from: from ?? m.envelope.to[0],
        to: bare(replyTo),
        subject: m.subject.startsWith('Re:') ? m.subject : `Re: ${m.subject}`,
        text,
        ...(m.messageId ? { inReplyTo: m.messageId, references: m.messageId } : {}),
      });
    } finally {
      transport.close();
    }
  }

  app.post('/messages/:id/reply', express.urlencoded({ extended: false }), async (req, res) => {
    const m = stored.find((x) => x.id === req.params.id);
    if (!m) return res.status(404).type('html').send(page('Not found', '<h1>Message not found</h1>'));
    try {
      await sendReply(m, typeof req.body?.text === 'string' && req.body.text ? req.body.text : 'Acknowledged.');
      res.redirect(303, '/');
    } catch (err) {
      res.status(400).type('html').send(page('Reply failed', `<h1>Reply failed</h1><p>${escapeHtml((err as Error).message)}</p>`));
    }
  });

  app.get('/messages/:id/html', (req, res) => {
    const m = stored.find((x) => x.id === req.params.id);
    if (!m || !m.html) return res.status(404).type('text').send('no HTML body');
    // The HTML comes from the app, but treat it like any mail: no scripts, no remote loads.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation");
    res.type('html').send(m.html);
  });

  const httpServer = http.createServer(app);
  const smtpPort = await new Promise<number>((resolve, reject) => {
    smtp.on('error', reject);
    smtp.listen(options.smtpPort, host, () => {
      smtp.off('error', reject);
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });
  let httpPort: number;
  try {
    httpPort = await listen(httpServer, options.httpPort, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }
  // Errors from individual client connections must not crash the dev process.
  smtp.on('error', (err) => console.error('[mail-sink] smtp error', err.message));

  return {
    smtpPort,
    httpPort,
    host,
    messages: () => stored.slice(-maxMessages),
    acceptedCount: () => accepted,
    clear: () => {
      stored = [];
      accepted = 0;
    },
    failNext: (count, responseCode = 451, stage = 'MAIL FROM') => {
      pendingFaults = pendingFaults.concat(Array.from({ length: count }, () => ({ responseCode, stage })));
    },
    refuse: (responseCode, untilMs = Number.MAX_SAFE_INTEGER) => {
      refusal = responseCode === null ? null : { responseCode, untilMs };
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close: async () => {
      await Promise.allSettled([...inFlight]);
      httpServer.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => httpServer.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
