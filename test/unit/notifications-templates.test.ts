import { ApplicationFailure } from '@temporalio/common';
import { renderMessage, TEMPLATE_NAMES } from '../../activities/notifications/templates';
import { itemShortCode } from '../../domain/itemCode';
import { verifyLinkToken, InvalidLinkTokenError } from '../../lib/crypto';
import { createTestConfig } from '../harness/config';
import { languages } from '../../lib/i18n';
import { FailureType } from '../../domain/failures';

const config = createTestConfig({ PUBLIC_BASE_URL: 'https://commonground.example.org', CITY_TIME_ZONE: 'America/Chicago' });
/** The default policy's link lifetimes (policy `links`): ack and review 72 h, progress 14 days. */
const PROGRESS_LINK_TTL_SECONDS = 14 * 24 * 3600;
const now = new Date('2026-11-21T15:00:00Z');
const recipient = { id: 'person-1', name: 'Dana Example', title: 'Mayor (fictional)' };

const INTERFACE_TEMPLATES = [
  'court-survey.invitation',
  'court-survey.reminder',
  'incident.declared',
  'incident.ack-escalation',
  'incident.silent-report',
  'deadline.reminder',
  'deadline.overdue',
  'statement.approval-request',
  'statement.approval-reminder',
  'statement.approval-escalation',
  'statement.changes-requested',
  'statement.revised-by-approver',
  'statement.published',
  'item.reminder',
  'item.overdue',
  'item.blocked',
  'item.reschedule-request',
  'plan.digest',
  'plan.final-report',
  'subscription.confirm',
  'subscription.welcome',
  'public.statement-published',
  'public.deadline-missed',
  'public.plan-report',
  'public.session-upcoming',
  'incident.ack-call',
  'hold.placed',
  'hold.reminder',
  'hold.released',
  'hold.lapsed',
  'statement.publication-held',
  'statement.withdrawn',
  'comment.reminder',
  'comment.overdue',
  'comment.reply',
];

const FULL_DATA: Record<string, unknown> = {
  recipient,
  incidentNumber: 'CI-2026-0007',
  incidentId: 'inc-1',
  title: 'Officer-involved shooting',
  summary: 'Shots fired during a traffic stop on Forsyth Blvd.',
  severity: 1,
  type: 'officer_involved_shooting',
  location: 'Forsyth Blvd',
  declaredByName: 'Casey Manager',
  declaredAt: '2026-11-21T14:55:00Z',
  ackWindowMinutes: 15,
  silentPersonName: 'Robin Alderman',
  silentPersonTitle: 'Alderman, Ward 2',
  minutesSilent: 15,
  silent: [{ name: 'Robin Alderman', title: 'Alderman, Ward 2' }, 'Sam Chief'],
  minutes: 30,
  deadlineTitle: 'Holding statement',
  dueAt: '2026-11-21T16:00:00Z',
  statementId: 'stmt-1',
  statementTitle: 'Holding statement on the Forsyth Blvd incident',
  kind: 'HOLDING_STATEMENT',
  version: 2,
  authorName: 'Pat PIO',
  approverName: 'Sam Chief',
  hoursWaiting: 3,
  reviewerName: 'Casey Manager',
  reviewerTitle: 'Public Information Officer',
  standingInFor: 'Public Information Officer',
  comment: 'Name the investigating agency.',
  publicUrl: 'https://commonground.example.org/public/incidents/CI-2026-0007',
  itemId: 'item-9',
  itemTitle: 'Audit the suspicious-person call policy',
  goalTitle: 'Goal 2',
  daysLeft: 3,
  ownerName: 'Lee Lead',
  levelLabel: 'sponsor',
  note: 'Waiting for dispatch data',
  requestedByName: 'Lee Lead',
  fromDueAt: '2027-01-15T15:00:00Z',
  toDueAt: '2027-02-15T15:00:00Z',
  reason: 'Vendor delay',
  planTitle: 'Clayton 12-month action plan',
  period: '2027-01',
  counts: { done: 3, inProgress: 5, notStarted: 2, blocked: 1, overdue: 1 },
  dashboardUrl: 'https://commonground.example.org/public/plans/p1',
  reportUrl: 'https://commonground.example.org/public/plans/p1/final',
  categoryLabel: 'Litigation',
  covers: 'every final investigation report',
  placedAt: '2026-11-21T15:00:00Z',
  lapsesAt: '2026-12-05T15:00:00Z',
  placedByName: 'Drew Counsel',
  releasedByName: 'Drew Counsel',
  reminderNumber: 1,
  heldSince: '2026-11-21T15:00:00Z',
  withdrawnByName: 'Pat PIO',
  withdrawnAt: '2026-11-22T15:00:00Z',
  attempt: 2,
  attempts: 3,
};

const linkToken = (text: string, path: RegExp) => {
  const match = path.exec(text);
  if (!match) throw new Error(`no link matching ${path} in: ${text}`);
  return decodeURIComponent(match[1]);
};

describe('renderMessage', () => {
  test('knows every template named in the interface', () => {
    expect([...TEMPLATE_NAMES].sort()).toEqual([...INTERFACE_TEMPLATES].sort());
  });

  test.each(INTERFACE_TEMPLATES.flatMap((template) => languages().map((language) => [template, language])))('%s renders in %s on both channels with full data and degrades gracefully with none', (template, language) => {
    for (const data of [FULL_DATA, {}, { recipient }]) {
      const email = renderMessage(template, data, 'EMAIL', config, now, { language });
      const sms = renderMessage(template, data, 'SMS', config, now, { language });
      expect(email.subject).toBeTruthy();
      expect(email.html).toContain('<!doctype html>');
      expect(sms.subject).toBeNull();
      expect(sms.html).toBeNull();
      for (const text of [email.subject!, email.text, email.html!, sms.text]) {
        expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|\{\{/);
      }
      // A text message stays within a few segments.
      expect(sms.text.length).toBeLessThanOrEqual(480);
    }
  });

  test('a report of fifty silent people fits in one text message: five names and a count (Twilio refuses bodies over 1,600 characters for good)', () => {
    const silent = Array.from({ length: 50 }, (_, i) => ({ personId: `p${i}`, name: `Alderman Number ${i + 1}`, title: 'Alderman (fictional)', backupNotified: false }));
    const sms = renderMessage('incident.silent-report', { ...FULL_DATA, silent }, 'SMS', config, now);
    expect(sms.text.length).toBeLessThanOrEqual(480);
    expect(sms.text).toContain('50 people: Alderman Number 1 (Alderman (fictional))');
    expect(sms.text).toContain('and 45 more');
    const email = renderMessage('incident.silent-report', { ...FULL_DATA, silent }, 'EMAIL', config, now);
    expect(email.text).toContain('Alderman Number 50');
  });

  test('incident.declared: subject, severity, due-time wording, signed ack link in email, ACK instruction in SMS', () => {
    const email = renderMessage('incident.declared', FULL_DATA, 'EMAIL', config, now);
    expect(email.subject).toBe('[Sev 1] Critical incident CI-2026-0007: Officer-involved shooting');
    expect(email.text).toContain('Hello Dana Example,');
    expect(email.text).toContain('Please acknowledge within 15 minutes.');
    expect(email.text).toContain('Declared by Casey Manager at Nov 21, 2026, 8:55 AM CST.');
    const token = linkToken(email.text, /https:\/\/commonground\.example\.org\/ack\/(\S+)/);
    expect(verifyLinkToken(token, 'ack', config.LINK_SIGNING_SECRET, now)).toMatchObject({
      p: 'ack',
      incidentNumber: 'CI-2026-0007',
      personId: 'person-1',
    });
    // Expires after the policy's links.ack (72h).
    expect(() => verifyLinkToken(token, 'ack', config.LINK_SIGNING_SECRET, new Date(now.getTime() + 72 * 3600_000 + 1000))).toThrow(
      InvalidLinkTokenError,
    );
    expect(email.html).toContain(`href="https://commonground.example.org/ack/${token}"`);

    const sms = renderMessage('incident.declared', FULL_DATA, 'SMS', config, now);
    expect(sms.text).toMatch(/^Common Ground: \[Sev 1\] CRITICAL INCIDENT CI-2026-0007: Officer-involved shooting\. Reply ACK within 15 min/);
  });

  test('no ack link without a recipient or an incident number', () => {
    const withoutRecipient = renderMessage('incident.declared', { ...FULL_DATA, recipient: undefined }, 'EMAIL', config, now);
    expect(withoutRecipient.text).not.toContain('/ack/');
    expect(withoutRecipient.text).toContain('Hello,');
    const withoutNumber = renderMessage('incident.declared', { recipient, title: 'x' }, 'EMAIL', config, now);
    expect(withoutNumber.text).not.toContain('/ack/');
  });

  test('item.reminder carries a signed progress link for the owner; item.overdue only for the owner', () => {
    const email = renderMessage('item.reminder', FULL_DATA, 'EMAIL', config, now);
    expect(email.text).toContain('is due Nov 21, 2026, 10:00 AM CST, in 3 days.');
    const token = linkToken(email.text, /https:\/\/commonground\.example\.org\/progress\/(\S+)/);
    const payload = verifyLinkToken<{ itemId: string; personId: string }>(token, 'progress', config.LINK_SIGNING_SECRET, now);
    expect(payload).toMatchObject({ p: 'progress', itemId: 'item-9', personId: 'person-1' });
    expect(payload.exp).toBe(Math.floor(now.getTime() / 1000) + PROGRESS_LINK_TTL_SECONDS);

    const toOwner = renderMessage('item.overdue', { ...FULL_DATA, ownerId: 'person-1' }, 'EMAIL', config, now);
    expect(toOwner.text).toContain('/progress/');
    const toSponsor = renderMessage('item.overdue', { ...FULL_DATA, ownerId: 'someone-else' }, 'EMAIL', config, now);
    expect(toSponsor.text).not.toContain('/progress/');
    expect(toSponsor.text).toContain('escalation ladder reached you');
  });

  test('statement.approval-request links to the review page with a review token, by email only', () => {
    const email = renderMessage('statement.approval-request', FULL_DATA, 'EMAIL', config, now);
    const token = linkToken(email.text, /https:\/\/commonground\.example\.org\/statements\/stmt-1\/review\?token=(\S+)/);
    expect(verifyLinkToken(token, 'review', config.LINK_SIGNING_SECRET, now)).toMatchObject({ statementId: 'stmt-1', personId: 'person-1' });
    expect(() => verifyLinkToken(token, 'ack', config.LINK_SIGNING_SECRET, now)).toThrow(InvalidLinkTokenError);
    // An approval link decides a public act: never sent by text message.
    for (const template of ['statement.approval-request', 'statement.approval-reminder']) {
      const sms = renderMessage(template, FULL_DATA, 'SMS', config, now);
      expect(sms.text).not.toContain('/review');
      expect(sms.text).not.toContain('token=');
    }
  });

  test('an approval escalation (to people outside the chain) names the kind of statement, not its draft title', () => {
    for (const channel of ['EMAIL', 'SMS'] as const) {
      const message = renderMessage('statement.approval-escalation', { ...FULL_DATA, kindLabel: 'Holding statement' }, channel, config, now);
      expect(`${message.subject ?? ''} ${message.text}`).not.toContain(FULL_DATA.statementTitle);
      expect(message.text).toContain('The holding statement');
    }
  });

  test("item texts show the item's code and how to reply with it", () => {
    const code = itemShortCode('item-9');
    const sms = renderMessage('item.reminder', FULL_DATA, 'SMS', config, now);
    expect(sms.text).toContain(`(item ${code})`);
    expect(sms.text).toContain(`Reply DONE ${code}, or PROGRESS ${code} 50 and a note.`);
    expect(renderMessage('item.reminder', FULL_DATA, 'EMAIL', config, now).text).toContain(`This item's code is ${code}`);
    expect(renderMessage('item.overdue', { ...FULL_DATA, ownerId: 'person-1' }, 'SMS', config, now).text).toContain(`Reply DONE ${code}`);
  });

  test('statement.approval-request says when the approver stands in for the author; revised-by-approver tells the author what changed', () => {
    const standIn = renderMessage('statement.approval-request', FULL_DATA, 'EMAIL', config, now);
    expect(standIn.text).toContain('You are asked in place of the Public Information Officer, who wrote this version');
    const usual = renderMessage('statement.approval-request', { ...FULL_DATA, standingInFor: undefined }, 'EMAIL', config, now);
    expect(usual.text).not.toContain('in place of');
    const revised = renderMessage('statement.revised-by-approver', FULL_DATA, 'EMAIL', config, now);
    expect(revised.subject).toBe('Revised and approved: Holding statement on the Forsyth Blvd incident');
    expect(revised.text).toContain('Casey Manager (Public Information Officer) revised Holding statement on the Forsyth Blvd incident');
    expect(revised.text).toContain('(version 2)');
    expect(revised.text).toContain('What changed: Name the investigating agency.');
  });

  test('data is escaped in HTML, and only http(s) links passed by workflows become links', () => {
    const email = renderMessage(
      'statement.published',
      { ...FULL_DATA, statementTitle: '<img src=x onerror=alert(1)>', publicUrl: 'javascript:alert(1)' },
      'EMAIL',
      config,
      now,
    );
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('javascript:');
  });

  test('a fallback message says why it came on this channel', () => {
    const email = renderMessage('incident.declared', { ...FULL_DATA, fallbackFrom: 'SMS' }, 'EMAIL', config, now);
    expect(email.text).toContain('a text message to your phone could not be delivered');
    const sms = renderMessage('incident.declared', { ...FULL_DATA, fallbackFrom: 'EMAIL' }, 'SMS', config, now);
    expect(sms.text).toContain('email to you could not be delivered');
    expect(renderMessage('incident.declared', FULL_DATA, 'EMAIL', config, now).text).not.toContain('could not be delivered');
  });

  test("dates use the plan's time zone when the workflow passes one", () => {
    const tokyo = renderMessage('item.reminder', { ...FULL_DATA, timeZone: 'Asia/Tokyo' }, 'EMAIL', config, now);
    expect(tokyo.text).toContain('Nov 22, 2026, 1:00 AM GMT+9');
    const bogus = renderMessage('item.reminder', { ...FULL_DATA, timeZone: 'Not/AZone' }, 'EMAIL', config, now);
    expect(bogus.text).toContain('Nov 21, 2026, 10:00 AM CST');
  });

  test('plan.digest summarises the counts', () => {
    const email = renderMessage('plan.digest', FULL_DATA, 'EMAIL', config, now);
    expect(email.subject).toBe('Clayton 12-month action plan: progress for 2027-01');
    expect(email.text).toContain('Items: 3 done, 5 in progress, 2 not started, 1 blocked, 1 overdue.');
    const withTotals = renderMessage('plan.digest', { ...FULL_DATA, counts: { items: 12, done: 3, averagePercent: 41 } }, 'EMAIL', config, now);
    expect(withTotals.text).toContain('Items (12 in all): 3 done.');
    expect(withTotals.text).toContain('Average completion: 41%.');
    expect(email.text).toContain('Open the public dashboard: https://commonground.example.org/public/plans/p1');
  });

  test('incident emails say a reply acknowledges and ask for a signed Reply-To, only while replies reach us', () => {
    const declared = renderMessage('incident.declared', FULL_DATA, 'EMAIL', config, now);
    expect(declared.acknowledgeByReply).toBe(true);
    expect(declared.text).toContain('Or reply to this email: any reply from your address acknowledges.');
    expect(renderMessage('incident.ack-escalation', FULL_DATA, 'EMAIL', config, now).acknowledgeByReply).toBe(true);
    const off = renderMessage('incident.declared', FULL_DATA, 'EMAIL', { ...config, INBOUND_EMAIL_DOMAIN: '' }, now);
    expect(off.acknowledgeByReply).toBeUndefined();
    expect(off.text).not.toContain('reply to this email');
    expect(renderMessage('deadline.reminder', FULL_DATA, 'EMAIL', config, now).acknowledgeByReply).toBeUndefined();
  });

  test('a call reads the incident and asks for 1; other templates read their text message', () => {
    const call = renderMessage('incident.ack-call', FULL_DATA, 'VOICE', config, now);
    expect(call).toEqual({
      subject: null,
      html: null,
      text: 'This is Common Ground, for the City of Clayton. A severity 1 critical incident has been declared: C I 2026, 0 0 0 7, Officer-involved shooting. You have not acknowledged it yet. To acknowledge, press 1 now.',
    });
    expect(renderMessage('incident.ack-call', { ...FULL_DATA, asBackupFor: 'Mayor' }, 'VOICE', config, now).text).toContain('You are called as the backup for the Mayor.');
    expect(renderMessage('deadline.overdue', FULL_DATA, 'VOICE', config, now).text).toMatch(/^OVERDUE: Holding statement/);
  });

  test("hold messages name the category and the lapse, never a hold's private detail", () => {
    const placed = renderMessage('hold.placed', { ...FULL_DATA, detail: 'Sealed juvenile record, case 24-117' }, 'EMAIL', config, now);
    expect(placed.subject).toBe("Counsel's hold on publication: CI-2026-0007: Officer-involved shooting");
    expect(placed.text).toContain('Drew Counsel placed a counsel\'s hold on every final investigation report for incident CI-2026-0007: Officer-involved shooting (Litigation).');
    expect(placed.text).toContain('Unless released sooner it lapses Dec 5, 2026, 9:00 AM CST.');
    expect(placed.text + placed.html).not.toContain('Sealed juvenile record');
    expect(renderMessage('hold.lapsed', FULL_DATA, 'SMS', config, now).text).toContain('reached its limit and lapsed');
    expect(renderMessage('statement.withdrawn', { ...FULL_DATA, note: 'Issued in error.' }, 'EMAIL', config, now).text).toContain('The public note: Issued in error.');
  });

  test("in Spanish: what a hold covers and its category in the reader's words; without the scope, the words as the workflow wrote them", () => {
    const scoped = { ...FULL_DATA, holdScope: 'STATEMENT_KIND', holdStatementKind: 'FINAL_REPORT', holdCategory: 'LITIGATION' };
    const placed = renderMessage('hold.placed', scoped, 'EMAIL', config, now, { language: 'es' });
    expect(placed.text).toContain('puso una retención legal sobre cada informe final de la investigación del incidente');
    expect(placed.text).toContain('(Litigio).');
    expect(placed.text).not.toMatch(/final investigation report|Litigation/);
    expect(renderMessage('hold.placed', { ...scoped, holdScope: 'ALL' }, 'SMS', config, now, { language: 'es' }).text).toContain('Retención legal sobre toda la publicación del incidente');
    expect(renderMessage('hold.placed', scoped, 'EMAIL', config, now).text).toContain('every final investigation report');
    expect(renderMessage('hold.placed', FULL_DATA, 'EMAIL', config, now, { language: 'es' }).text).toContain('sobre every final investigation report');
  });

  test("a hold's category is the catalogue's name for its code in every language; the label the workflow wrote only for a code no catalogue names", () => {
    // The workflow writes the policy's label beside the code; the catalogue names the code.
    const written = { ...FULL_DATA, holdCategory: 'JUVENILE_INVOLVED', categoryLabel: 'Minor involved (as the policy wrote it)' };
    expect(renderMessage('hold.placed', written, 'EMAIL', config, now).text).toContain('(Juvenile involved).');
    expect(renderMessage('hold.placed', written, 'SMS', config, now, { language: 'es' }).text).toContain('Hay menores involucrados');
    const unnamed = { ...FULL_DATA, holdCategory: 'GRAND_JURY', categoryLabel: 'Grand jury' };
    expect(renderMessage('hold.placed', unnamed, 'EMAIL', config, now, { language: 'es' }).text).toContain('(Grand jury).');
  });

  test('an unknown template is a non-retryable InvalidInput failure naming the field', () => {
    let failure: unknown;
    try {
      renderMessage('incident.unknown', {}, 'EMAIL', config, now);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.InvalidInput, nonRetryable: true });
    expect((failure as ApplicationFailure).details?.[0]).toMatchObject({ field: 'template' });
    // Names inherited from Object.prototype are not templates either.
    expect(() => renderMessage('toString', {}, 'EMAIL', config, now)).toThrow(ApplicationFailure);
  });

  test('in Spanish: the incident declaration in the reader\'s language, with the policy\'s words and dates', () => {
    const email = renderMessage('incident.declared', FULL_DATA, 'EMAIL', config, now, { language: 'es' });
    expect(email.subject).toBe('[Grav. 1] Incidente crítico CI-2026-0007: Officer-involved shooting');
    expect(email.text).toContain('Hola, Dana Example:');
    expect(email.text).toContain('Confirme que recibió este aviso en un plazo de 15 minutos.');
    expect(email.text).toContain('Lo declaró Casey Manager el 21 nov 2026');
    expect(email.html).toContain('<html lang="es">');
    expect(email.text).toContain('/ack/');
    const sms = renderMessage('incident.declared', FULL_DATA, 'SMS', config, now, { language: 'es' });
    expect(sms.text).toMatch(/^Common Ground: \[Grav\. 1\] INCIDENTE CRÍTICO CI-2026-0007: Officer-involved shooting\. Responda ACK en 15 min/);
    const withType = renderMessage('incident.declared', { ...FULL_DATA, type: 'DEATH_IN_CUSTODY', typeLabel: 'Death in custody' }, 'EMAIL', config, now, { language: 'es' });
    expect(withType.text).toContain('Tipo: Muerte bajo custodia.');
  });

  test('in Spanish: role titles, deadline titles and plural forms follow the reader', () => {
    const reminder = renderMessage('deadline.reminder', { ...FULL_DATA, deadlineKey: 'public_update_2', deadlineTitle: 'Public update 2' }, 'EMAIL', config, now, { language: 'es' });
    expect(reminder.subject).toContain('«Actualización pública 2»');
    const request = renderMessage('statement.approval-request', FULL_DATA, 'EMAIL', config, now, { language: 'es' });
    expect(request.text).toContain('en lugar de quien ocupa el cargo de Oficial de Información Pública');
    const item = renderMessage('item.reminder', { ...FULL_DATA, daysLeft: 1 }, 'EMAIL', config, now, { language: 'es' });
    expect(item.text).toContain(', dentro de 1 día.');
    const digest = renderMessage('plan.digest', { ...FULL_DATA, counts: { done: 1, blocked: 2 } }, 'EMAIL', config, now, { language: 'es' });
    expect(digest.text).toContain('Acciones: 1 terminada, 2 bloqueadas.');
  });

  test('the declaration leaves out "reply ACK" when the policy sends it by email only', () => {
    const emailOnly = renderMessage('incident.declared', { ...FULL_DATA, channels: ['EMAIL'] }, 'EMAIL', config, now);
    expect(emailOnly.text).not.toContain('reply ACK');
    expect(renderMessage('incident.declared', { ...FULL_DATA, channels: ['EMAIL', 'SMS'] }, 'EMAIL', config, now).text).toContain('reply ACK');
  });

  test('a message to a subscriber says how to leave and where to see or delete their data, in their language', () => {
    const subscription = { unsubscribeUrl: 'https://commonground.example.org/subscriptions/t/unsubscribe', manageUrl: 'https://commonground.example.org/subscriptions/t' };
    const data = {
      incidentNumber: 'CI-2026-0007',
      statementTitle: 'Comunicado sobre el incidente de Forsyth',
      statementBody: 'La policía del condado investiga.',
      publishedAt: '2026-11-21T15:30:00Z',
      deadlineTitle: 'Comunicado inicial',
      deadlineDueAt: '2026-11-21T16:00:00Z',
      deadlineMetOnTime: true,
    };
    const email = renderMessage('public.statement-published', data, 'EMAIL', config, now, { language: 'es', subscription });
    expect(email.subject).toBe('Nuevo comunicado: Comunicado sobre el incidente de Forsyth (CI-2026-0007)');
    expect(email.text).toContain('Hola:');
    expect(email.text).toContain('La policía del condado investiga.');
    expect(email.text).toContain('se publicó a tiempo');
    expect(email.text).toContain(`Cancelar la suscripción con un clic: ${subscription.unsubscribeUrl}`);
    expect(email.text).toContain(subscription.manageUrl);
    expect(email.text).toContain('https://commonground.example.org/incidents/CI-2026-0007?lang=es');
    const sms = renderMessage('public.statement-published', data, 'SMS', config, now, { language: 'es', subscription });
    expect(sms.text).toContain('Responda STOP para cancelar');
    expect(renderMessage('public.statement-published', data, 'SMS', config, now, { subscription }).text).toContain('Reply STOP to stop');
    // Officials' messages carry no subscriber footer.
    expect(renderMessage('statement.published', FULL_DATA, 'EMAIL', config, now).text).not.toContain('Unsubscribe');
  });
});
