// The voice half of the Twilio-shaped sink, as the real twilio client and an
// app's webhooks see it: calls.create() answers with a call resource; the call
// rings with signed status callbacks; answered, it runs the TwiML and posts
// the key pressed at <Gather> to its action, signed like Twilio; Twilio's
// error codes for bad numbers; calls that ring out or hit a busy line.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { startSmsSink, type SmsSink } from '../../devsinks/smsSink';
import { createSmsClient } from '../../activities/notifications/providers';
import { eventually } from '../harness/eventually';

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'voice-sink-test-auth-token';

interface Received {
  path: string;
  params: Record<string, string>;
  signatureValid: boolean;
}

/** An app: checks every callback's signature with twilio's validator; answers the gather with TwiML. */
async function startApp() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`;
      received.push({ path: req.url ?? '', params, signatureValid: twilio.validateRequest(AUTH_TOKEN, String(req.headers['x-twilio-signature'] ?? ''), url, params) });
      const answer = new twilio.twiml.VoiceResponse();
      answer.say(`You pressed ${params.Digits}. Thank you & goodbye.`);
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(req.url?.startsWith('/gather') ? answer.toString() : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function twimlAsking(gatherUrl: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.gather({ numDigits: 1, action: gatherUrl, method: 'POST' }).say('Press 1 to acknowledge.');
  response.say('Goodbye.');
  return response.toString();
}

let sink: SmsSink;
let app: Awaited<ReturnType<typeof startApp>>;
let client: ReturnType<typeof createSmsClient>;

beforeAll(async () => {
  app = await startApp();
  sink = await startSmsSink({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  client = createSmsClient({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: `http://127.0.0.1:${sink.port}` });
});

afterAll(async () => {
  await sink?.close();
  app?.server.close();
});

const place = (to: string, extra: Record<string, unknown> = {}) =>
  client.calls.create({
    to,
    from: '+13145559876',
    twiml: twimlAsking(`${app.url}/gather?n=row-1`),
    statusCallback: `${app.url}/status?n=row-1`,
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    timeout: 25,
    ...extra,
  });

describe('voice sink', () => {
  it('answers calls.create with a call resource; the call rings; answered, the key pressed reaches the gather action, every callback signed', async () => {
    const call = await place('+13145550101');
    expect(call).toMatchObject({ status: 'queued', to: '+13145550101', from: '+13145559876', direction: 'outbound-api' });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    await eventually(async () => sink.voice.calls().find((c) => c.sid === call.sid)?.status === 'ringing', 'the call to ring');

    const answered = await sink.voice.answer(call.sid, '1');
    expect(answered).toMatchObject({ status: 'completed', digits: ['1'] });
    expect(answered.said).toEqual(['Press 1 to acknowledge.', 'You pressed 1. Thank you & goodbye.']);
    const gather = app.received.find((r) => r.path === '/gather?n=row-1')!;
    expect(gather).toMatchObject({ signatureValid: true, params: { CallSid: call.sid, Digits: '1', CallStatus: 'in-progress', AccountSid: ACCOUNT_SID } });
    await sink.settled();
    const statuses = app.received.filter((r) => r.path.startsWith('/status') && r.params.CallSid === call.sid);
    expect(statuses.map((r) => r.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(statuses.every((r) => r.signatureValid)).toBe(true);
    expect(statuses[3].params.CallDuration).toMatch(/^\d+$/);
    expect((await client.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('an answered call with no key pressed hears the rest of the TwiML and posts nothing to the action', async () => {
    const call = await place('+13145550102');
    await eventually(async () => sink.voice.calls().find((c) => c.sid === call.sid)?.status === 'ringing', 'the call to ring');
    const answered = await sink.voice.answer(call.sid);
    expect(answered.said).toEqual(['Press 1 to acknowledge.', 'Goodbye.']);
    expect(app.received.filter((r) => r.params.CallSid === call.sid && r.path.startsWith('/gather'))).toEqual([]);
  });

  it('scripts a number: busy, or answered with keys; unanswered calls ring out as no-answer', async () => {
    sink.voice.script('+13145550103', { answer: 'busy' });
    const busy = await place('+13145550103');
    await eventually(async () => sink.voice.calls().find((c) => c.sid === busy.sid)?.status === 'busy', 'busy');
    sink.voice.script('+13145550104', { answer: 'press', digits: '1' });
    const pressed = await place('+13145550104');
    await eventually(async () => sink.voice.calls().find((c) => c.sid === pressed.sid)?.status === 'completed', 'answered by script');
    const unanswered = await place('+13145550105', { timeout: 1 });
    await eventually(async () => sink.voice.calls().find((c) => c.sid === unanswered.sid)?.status === 'no-answer', 'ringing out', 10_000);
    await sink.settled();
    const last = app.received.filter((r) => r.params.CallSid === unanswered.sid).pop()!;
    expect(last.params.CallStatus).toBe('no-answer');
  });

  it("refuses invalid numbers with Twilio's 21211 and a call without TwiML or Url with 21205", async () => {
    await expect(place('+15550001234')).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(client.calls.create({ to: '+13145550106', from: '+13145559876' } as never)).rejects.toMatchObject({ status: 400, code: 21205 });
  });

  it('the /calls page lists calls and lets a person answer a ringing one', async () => {
    const call = await place('+13145550107');
    await eventually(async () => sink.voice.calls().find((c) => c.sid === call.sid)?.status === 'ringing', 'the call to ring');
    const page = await (await fetch(`http://127.0.0.1:${sink.port}/calls`)).text();
    expect(page).toContain('+13145550107');
    expect(page).toContain(`action="/_sink/calls/${call.sid}/answer"`);
    const res = await fetch(`http://127.0.0.1:${sink.port}/_sink/calls/${call.sid}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ digits: '1' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('completed');
    const again = await fetch(`http://127.0.0.1:${sink.port}/_sink/calls/${call.sid}/answer`, { method: 'POST' });
    expect(again.status).toBe(409);
  });
});
