// Issue 9, the holes that need the whole system to try: each test below is an
// attack that worked before and must keep failing.
//   - a forged update sent straight to the Temporal port (no, or a wrongly
//     keyed, actor claim), for every update the workflows take;
//   - a replayed, forged or stranger's text message;
//   - an alderman, the mayor or the city attorney reading a draft or an
//     approver's comment (in the incident, the statement, the timeline or the
//     approval queue), or a provider's error text with a phone number in it;
//     a person approving their own draft;
//   - a reused acknowledge or review link, a review link used out of turn,
//     and a link of a deactivated person;
//   - two active people with one phone number.
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import twilio from 'twilio';
import { acknowledgeUpdate, closeIncidentUpdate, extendDeadlineUpdate, submitStatementUpdate } from '../../domain/contracts/incident';
import { completeItemUpdate, decideRescheduleUpdate, postProgressUpdate, requestRescheduleUpdate, setItemStatusUpdate } from '../../domain/contracts/plan';
import { decideUpdate, reviseUpdate, statementStateQuery } from '../../domain/contracts/statement';
import type { ActorV1 } from '../../domain/contracts/common';
import { incidentWorkflowId } from '../../domain/ids';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { itemShortCode } from '../../domain/itemCode';
import { actorClaimSigner } from '../../lib/actorClaims';
import { signLinkToken } from '../../lib/crypto';
import { deactivatePerson, savePersonByEmail } from '../../services/people';
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
const serverErrors: string[] = [];
const call = apiCaller(() => sys.request, { serverErrors });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const civilDay = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, 'America/Chicago'));
const actor = (person: { id: string; name: string; roles: string[] }): ActorV1 => ({ personId: person.id, name: person.name, roles: [...person.roles] as ActorV1['roles'] });

async function declare(title: string): Promise<string> {
  const res = await call('POST', '/api/incidents', { as: 'CITY_MANAGER', json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title, summary: 'A fictional incident for the security tests.' } });
  expect(res.status).toBe(202);
  const number: string = res.json.number;
  await eventually(async () => {
    const detail = await call('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' });
    return detail.json?.stateSource === 'workflow' && detail.json.recipients.length > 0;
  }, `incident ${number} to start`);
  return number;
}

/**
 * A holding statement for a severity-1 incident (clayton-2026.2): the PIO
 * approves, then the city manager signs off. When the PIO drafts (the
 * default here), the deputy PIO approves in the PIO's place.
 */
async function submitDraft(number: string, title: string, body: string, as: 'PIO' | 'POLICE_CHIEF' = 'PIO') {
  const res = await call('POST', `/api/incidents/${number}/statements`, { as, json: { kind: 'HOLDING_STATEMENT', title, body } });
  expect(res.status).toBe(201);
  return res.json as { statementId: string; workflowId: string };
}

/** The error an update that must be refused was refused with. */
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (err: unknown) => err,
  );

/** A webhook request as Twilio would sign it (or with `signature` instead). */
async function inboundSms(params: Record<string, string>, signature?: string) {
  const url = `${sys.baseUrl}/webhooks/twilio/sms`;
  const signed = signature ?? twilio.getExpectedTwilioSignature(sys.config.TWILIO_AUTH_TOKEN, url, params);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  sys = await startTestSystem();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('Temporal is not a back door', () => {
  let outsider: Client;
  let wronglyKeyed: Client;
  let connection: Connection;
  let number: string;
  let statement: { statementId: string; workflowId: string };
  let itemWorkflowId: string;

  beforeAll(async () => {
    connection = await Connection.connect({ address: sys.config.TEMPORAL_ADDRESS });
    outsider = new Client({ connection, namespace: sys.config.TEMPORAL_NAMESPACE });
    wronglyKeyed = new Client({
      connection,
      namespace: sys.config.TEMPORAL_NAMESPACE,
      interceptors: { workflow: [actorClaimSigner('a-key-that-is-not-the-workers-key-0123456789')] },
    });
    number = await declare('Back door incident');
    statement = await submitDraft(number, 'Back door draft', 'Draft text.');
    const plan = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Back door plan', startDate: civilDay(0), goals: [{ number: 1, title: 'Engagement' }] } });
    const item = await call('POST', `/api/plans/${plan.json.id}/items`, {
      as: 'CITY_MANAGER',
      json: { goalNumber: 1, title: 'Back door item', ownerId: sys.roster.people.engagementLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: civilDay(30) },
    });
    expect(item.status).toBe(202);
    itemWorkflowId = (await sys.db.actionItem.findUniqueOrThrow({ where: { id: item.json.id } })).workflowId;
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('refuses every kind of update sent straight to Temporal without a valid actor claim, and nothing changes', async () => {
    const { cityManager, pio, deputyPio, engagementLead } = sys.roster.people;
    // Each would be accepted through the API: only the missing claim refuses it.
    // The PIO drafted, so the decision is the deputy PIO's, in the PIO's place.
    const forgeries: [string, string, UpdateDefinition<unknown, [any]>, unknown][] = [
      ['decide', statement.workflowId, decideUpdate, { version: 1, decision: 'APPROVE', approver: actor(deputyPio) }],
      ['revise', statement.workflowId, reviseUpdate, { title: 'Forged', body: 'Forged text', author: actor(pio) }],
      ['acknowledge', incidentWorkflowId(number), acknowledgeUpdate, { personId: sys.roster.people.mayor.id, via: 'API' }],
      ['submitStatement', incidentWorkflowId(number), submitStatementUpdate, { kind: 'PUBLIC_UPDATE', title: 'Forged', body: 'Forged', author: actor(pio) }],
      ['extendDeadline', incidentWorkflowId(number), extendDeadlineUpdate, { deadlineKey: 'holding_statement', newDueAt: inDays(3), reason: 'Forged', by: actor(cityManager) }],
      ['closeIncident', incidentWorkflowId(number), closeIncidentUpdate, { summary: 'Forged closure', by: actor(cityManager) }],
      ['postProgress', itemWorkflowId, postProgressUpdate, { percentComplete: 90, note: 'Forged', by: actor(engagementLead), via: 'API' }],
      ['setStatus', itemWorkflowId, setItemStatusUpdate, { status: 'BLOCKED', by: actor(engagementLead), via: 'API' }],
      ['complete', itemWorkflowId, completeItemUpdate, { by: actor(engagementLead), via: 'API' }],
      ['requestReschedule', itemWorkflowId, requestRescheduleUpdate, { toDueAt: inDays(60), reason: 'Forged', by: actor(engagementLead) }],
      ['decideReschedule', itemWorkflowId, decideRescheduleUpdate, { requestId: 'none', decision: 'APPROVE', by: actor(cityManager) }],
    ];
    for (const [name, workflowId, update, request] of forgeries) {
      for (const client of [outsider, wronglyKeyed]) {
        const err = await refusalOf(client.workflow.getHandle(workflowId).executeUpdate(update, { args: [request] }));
        expect({ name, refused: err instanceof WorkflowUpdateFailedError }).toEqual({ name, refused: true });
        expect({ name, message: String((err as WorkflowUpdateFailedError).cause?.message) }).toEqual({ name, message: expect.stringContaining('actor claim') });
      }
    }

    const live = await sys.temporal.workflow.getHandle(statement.workflowId).query(statementStateQuery);
    expect(live).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'PIO', awaitingRoles: ['DEPUTY_PIO'], currentVersion: 1 });
    expect(live.chain.every((step) => step.decision === null)).toBe(true);
    const incident = await sys.db.incident.findUniqueOrThrow({ where: { number }, include: { statements: true, recipients: true } });
    expect(incident.status).toBe('ACTIVE');
    expect(incident.statements).toHaveLength(1);
    expect(incident.recipients.find((r) => r.personId === sys.roster.people.mayor.id)?.acknowledgedAt).toBeNull();
    expect(await sys.db.progressUpdate.count({ where: { item: { workflowId: itemWorkflowId } } })).toBe(0);
  });

  it('still takes the same update through the API, which signs it', async () => {
    const decided = await call('POST', `/api/statements/${statement.statementId}/decisions`, { as: 'DEPUTY_PIO', json: { version: 1, decision: 'APPROVE' } });
    expect(decided.status).toBe(200);
    expect(decided.json.chain[0]).toMatchObject({ role: 'PIO', decision: 'APPROVED', decidedAs: 'DEPUTY_PIO', approverId: sys.roster.people.deputyPio.id });
    expect(decided.json.awaiting).toBe('CITY_MANAGER');
  });
});

describe('SMS you can trust', () => {
  it('acts once per MessageSid: a replayed or retried text changes nothing and gets no reply', async () => {
    const plan = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'SMS plan', startDate: civilDay(0), goals: [{ number: 1, title: 'Engagement' }] } });
    const owner = sys.roster.people.courtLead;
    const item = await call('POST', `/api/plans/${plan.json.id}/items`, {
      as: 'CITY_MANAGER',
      json: { goalNumber: 1, title: 'Survey the court users', ownerId: owner.id, sponsorId: sys.roster.people.cityManager.id, dueAt: civilDay(30) },
    });
    const text = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, From: owner.phone!, To: sys.config.TWILIO_FROM_NUMBER, Body: `PROGRESS ${itemShortCode(item.json.id)} 40 survey drafted` };
    const first = await inboundSms(text);
    expect(first.status).toBe(200);
    expect(first.text).toContain('40% complete');
    const replayed = await inboundSms(text);
    expect(replayed.status).toBe(200);
    expect(replayed.text).not.toContain('<Message>');
    expect(await sys.db.progressUpdate.count({ where: { itemId: item.json.id, via: 'SMS' } })).toBe(1);
    expect(await sys.db.inboundSms.count({ where: { messageSid: text.MessageSid } })).toBe(1);
  });

  it('refuses a forged text (no valid Twilio signature) before reading it', async () => {
    const forged = await inboundSms({ MessageSid: `SM${randomUUID()}`, From: sys.roster.people.mayor.phone!, Body: 'ACK' }, 'bm90IGEgc2lnbmF0dXJl');
    expect(forged.status).toBe(403);
    expect(await sys.db.inboundSms.count({ where: { fromNumber: sys.roster.people.mayor.phone! } })).toBe(0);
  });

  it('answers a number no active person has with help, and changes nothing', async () => {
    const number = await declare('Stranger text incident');
    const stranger = await inboundSms({ MessageSid: `SM${randomUUID()}`, From: '+1 (314) 555-9999', Body: 'ACK' });
    expect(stranger.text).toContain('not registered');
    expect(stranger.text).toContain('nothing was changed');
    const acknowledged = await sys.db.incidentRecipient.count({ where: { incident: { number }, acknowledgedAt: { not: null } } });
    expect(acknowledged).toBe(0);
  });

  it('"ACK" acknowledges only the newest open incident; "ACK <number>" the one named', async () => {
    const older = await declare('Older open incident');
    const newer = await declare('Newer open incident');
    const mayor = sys.roster.people.mayor;
    const ack = await inboundSms({ MessageSid: `SM${randomUUID()}`, From: mayor.phone!, Body: 'ack' });
    expect(ack.text).toContain(`Acknowledged ${newer}.`);
    expect(ack.text).toContain(older);
    const acknowledgedBy = async (n: string) =>
      (await sys.db.incidentRecipient.findFirstOrThrow({ where: { incident: { number: n }, personId: mayor.id } })).acknowledgedAt;
    expect(await acknowledgedBy(newer)).not.toBeNull();
    expect(await acknowledgedBy(older)).toBeNull();
    const named = await inboundSms({ MessageSid: `SM${randomUUID()}`, From: mayor.phone!, Body: `ACK ${older}` });
    expect(named.text).toContain(`Acknowledged ${older}.`);
    expect(await acknowledgedBy(older)).not.toBeNull();
  });

  it('keeps phone numbers in E.164 and one active person per number', async () => {
    const saved = await savePersonByEmail(sys.db, 'new.official@example.org', { name: 'New Official', title: 'Clerk (fictional)', phone: '(314) 555-0177', roles: [] });
    expect(saved.phone).toBe('+13145550177');
    await expect(
      savePersonByEmail(sys.db, 'twin@example.org', { name: 'Twin', title: 'Clerk (fictional)', phone: sys.roster.people.mayor.phone, roles: [] }),
    ).rejects.toMatchObject({ status: 409, code: 'phone_taken' });
    // The database holds the rule whatever writes to it.
    await expect(sys.db.person.create({ data: { name: 'Raw', title: 'x', email: 'raw@example.org', phone: sys.roster.people.mayor.phone, roles: [] } })).rejects.toThrow();
    await expect(sys.db.person.create({ data: { name: 'Raw', title: 'x', email: 'raw2@example.org', phone: '314-555-0101', roles: [] } })).rejects.toThrow();
    // An inactive person may keep an old number.
    await sys.db.person.create({ data: { name: 'Former', title: 'x', email: 'former@example.org', phone: sys.roster.people.mayor.phone, roles: [], active: false } });
  });
});

describe('need to know', () => {
  let number: string;
  let statementId: string;
  const DRAFT_TITLE = 'Working title naming the officer';
  const DRAFT_BODY = 'Draft text that names Officer Example before the family is told.';
  const COMMENT = 'Remove the officer name before this goes anywhere.';
  /** Staff who read incidents but neither draft, approve nor oversee statements. */
  const OUTSIDERS = ['ALDERMAN', 'MAYOR', 'CITY_ATTORNEY'] as const;

  beforeAll(async () => {
    number = await declare('Need to know incident');
    // The chief drafts; the PIO approves (and here sends it back); the city manager would sign off after.
    ({ statementId } = await submitDraft(number, DRAFT_TITLE, DRAFT_BODY, 'POLICE_CHIEF'));
    const rejected = await call('POST', `/api/statements/${statementId}/decisions`, { as: 'PIO', json: { version: 1, decision: 'REJECT', comment: COMMENT } });
    expect(rejected.status).toBe(200);
    // The Ward 3 alderman's number is refused by the SMS provider (21211): its error text quotes the number.
    await eventually(
      async () => {
        const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });
        return (await sys.db.auditEvent.count({ where: { incidentId: incident.id, action: 'notification.undeliverable' } })) > 0;
      },
      'the undeliverable text to the Ward 3 alderman',
    );
  });

  it('an alderman, the mayor and the city attorney read neither the draft nor the rejection comment, in the incident, the statement or the timeline', async () => {
    for (const role of OUTSIDERS) {
      for (const path of [`/api/incidents/${number}`, `/api/statements/${statementId}`]) {
        const seen = await call('GET', path, { as: role });
        expect(seen.status).toBe(200);
        for (const secret of [DRAFT_TITLE, DRAFT_BODY, COMMENT]) expect({ role, path, leaks: seen.text.includes(secret) }).toEqual({ role, path, leaks: false });
      }
    }
    const detail = await call('GET', `/api/incidents/${number}`, { as: 'ALDERMAN' });
    // What they may know: that a statement exists, where it stands, and who decided.
    expect(detail.json.statements[0]).toMatchObject({ id: statementId, status: 'CHANGES_REQUESTED', versions: [] });
    expect(detail.json.statements[0].approvals[0]).toMatchObject({ role: 'PIO', decision: 'REJECTED', approverId: sys.roster.people.pio.id, comment: null });
  });

  it("the drafter, the approvers and the PIO's stand-in read both", async () => {
    // The chief wrote it, the PIO sent it back, the city manager signs off at severity 1, the deputy PIO approves in the PIO's place.
    for (const role of ['POLICE_CHIEF', 'PIO', 'CITY_MANAGER', 'DEPUTY_PIO'] as const) {
      for (const path of [`/api/incidents/${number}`, `/api/statements/${statementId}`]) {
        const seen = await call('GET', path, { as: role });
        for (const secret of [DRAFT_TITLE, DRAFT_BODY, COMMENT]) expect({ role, path, sees: seen.text.includes(secret) }).toEqual({ role, path, sees: true });
      }
    }
  });

  it('provider error text with a phone number reaches only the delivery-log readers', async () => {
    const unreachable = sys.roster.people.alderman3.phone!;
    expect((await call('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' })).text).toContain(unreachable);
    for (const role of OUTSIDERS) {
      const seen = await call('GET', `/api/incidents/${number}`, { as: role });
      expect({ role, leaks: seen.text.includes(unreachable) }).toEqual({ role, leaks: false });
      const undeliverable = seen.json.timeline.find((e: { action: string }) => e.action === 'notification.undeliverable');
      expect(Object.keys(undeliverable.data).sort()).toEqual(['channel', 'personId', 'purpose']);
    }
  });

  it('the approval queue shows an alderman, the mayor and the city attorney where a draft stands, not its text', async () => {
    const queuedTitle = 'Queued title naming the witness';
    const queuedBody = 'Queued text that names Witness Example.';
    const other = await declare('Approval queue incident');
    const { statementId: queued } = await submitDraft(other, queuedTitle, queuedBody, 'POLICE_CHIEF');
    const entryFor = async (role: (typeof OUTSIDERS)[number] | 'PIO') => {
      const res = await call('GET', '/api/approvals?awaiting=anyone', { as: role });
      expect(res.status).toBe(200);
      return { text: res.text, entry: res.json.statements.find((s: { statementId: string }) => s.statementId === queued) };
    };
    await eventually(async () => (await entryFor('PIO')).entry !== undefined, 'the statement in the approval queue');
    expect((await entryFor('PIO')).entry).toMatchObject({ title: queuedTitle, body: queuedBody, mine: true });
    for (const role of OUTSIDERS) {
      const { text, entry } = await entryFor(role);
      for (const secret of [queuedTitle, queuedBody]) expect({ role, leaks: text.includes(secret) }).toEqual({ role, leaks: false });
      expect({ role, entry }).toEqual({ role, entry: expect.objectContaining({ incident: expect.objectContaining({ number: other }), title: null, body: null, awaiting: expect.objectContaining({ role: 'PIO' }), mine: false }) });
    }
  });

  it('a person who wrote a version cannot decide on it, whatever other role they hold', async () => {
    const pio = sys.roster.people.pio;
    const twoHats = { ...pio, roles: ['PIO', 'CITY_MANAGER'] };
    await sys.db.person.update({ where: { id: pio.id }, data: { roles: twoHats.roles as ['PIO', 'CITY_MANAGER'] } });
    try {
      const other = await declare('Two hats incident');
      const { statementId: own, workflowId } = await submitDraft(other, 'Own draft', 'Text.');
      const decideOwn = () => call('POST', `/api/statements/${own}/decisions`, { as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      const early = await decideOwn();
      expect(early.status).toBe(403);
      expect(early.json.error.message).toContain('you wrote version 1');
      // The deputy PIO approves in the PIO's place; then it is the city manager's turn, a role the author also holds.
      const standIn = await call('POST', `/api/statements/${own}/decisions`, { as: 'DEPUTY_PIO', json: { version: 1, decision: 'APPROVE' } });
      expect([standIn.status, standIn.json.awaiting]).toEqual([200, 'CITY_MANAGER']);
      const inTurnByRole = await decideOwn();
      expect(inTurnByRole.status).toBe(403);
      expect(inTurnByRole.json.error.message).toContain('you wrote version 1');
      // The statement workflow refuses it too, even with a valid actor claim.
      const signed = await refusalOf(sys.temporal.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(twoHats) }] }));
      expect(signed).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(String((signed as WorkflowUpdateFailedError).cause?.message)).toContain('you wrote version 1');
      // Another holder of the role decides.
      const signedOff = await call('POST', `/api/statements/${own}/decisions`, { as: 'CITY_MANAGER', json: { version: 1, decision: 'APPROVE' } });
      expect([signedOff.status, signedOff.json.status]).toEqual([200, 'PUBLISHED']);
    } finally {
      await sys.db.person.update({ where: { id: pio.id }, data: { roles: ['PIO'] } });
    }
  });
});

describe('signed links', () => {
  it('an acknowledge link acts once: a second use answers a page and changes nothing', async () => {
    const number = await declare('Reused link incident');
    const mayor = sys.roster.people.mayor;
    const token = signLinkToken({ p: 'ack', incidentNumber: number, personId: mayor.id }, 3600, sys.config.LINK_SIGNING_SECRET);
    const first = await call('POST', `/ack/${token}`);
    expect(first.status).toBe(200);
    const acknowledgedAt = (await sys.db.incidentRecipient.findFirstOrThrow({ where: { incident: { number }, personId: mayor.id } })).acknowledgedAt;
    expect(acknowledgedAt).not.toBeNull();
    for (const method of ['POST', 'GET']) {
      const again = await call(method, `/ack/${token}`);
      expect({ method, status: again.status }).toEqual({ method, status: 410 });
      expect(again.text).toContain('already used');
      expect(again.text).not.toContain('<form');
    }
    const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });
    const audits = await sys.db.auditEvent.count({ where: { incidentId: incident.id, action: 'incident.acknowledged', data: { path: ['personId'], equals: mayor.id } } });
    expect(audits).toBe(1);
  });

  it("a review link records one decision, and only in turn: the deputy PIO's in the PIO's place, then the city manager's", async () => {
    const number = await declare('Review link incident');
    // The PIO drafts, so the deputy PIO approves in the PIO's place before the city manager signs off.
    const { statementId } = await submitDraft(number, 'Review once', 'Text.');
    const { deputyPio, cityManager } = sys.roster.people;
    const linkFor = (personId: string) =>
      `/statements/${statementId}/review?token=${encodeURIComponent(signLinkToken({ p: 'review', statementId, personId }, 3600, sys.config.LINK_SIGNING_SECRET))}`;
    const standInLink = linkFor(deputyPio.id);
    const cityManagerLink = linkFor(cityManager.id);
    const form = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'version=1&decision=APPROVE' };

    // Out of turn: refused, nothing recorded, and the link is not used up.
    const early = await call('POST', cityManagerLink, form);
    expect(early.status).toBe(403);
    expect(early.text).toContain('waiting for the Deputy Public Information Officer');
    expect(early.text).not.toContain('Thank you.');
    expect(await sys.db.approval.count({ where: { statementId } })).toBe(0);

    const page = await call('GET', standInLink);
    expect(page.status).toBe(200);
    expect(page.text).toContain('in place of the Public Information Officer');
    expect(page.text).toContain('<form');
    const decided = await call('POST', standInLink, form);
    expect(decided.status).toBe(200);
    expect(decided.text).toContain('Thank you.');
    const again = await call('POST', standInLink, form);
    expect(again.status).toBe(410);
    expect(await sys.db.approval.count({ where: { statementId } })).toBe(1);

    // Now it is the city manager's turn: the link refused earlier records their sign-off, once.
    const signedOff = await call('POST', cityManagerLink, form);
    expect(signedOff.status).toBe(200);
    expect(signedOff.text).toContain('Thank you.');
    expect((await call('POST', cityManagerLink, form)).status).toBe(410);
    expect(await sys.db.approval.findMany({ where: { statementId }, orderBy: { decidedAt: 'asc' }, select: { role: true, approverId: true } })).toEqual([
      { role: 'DEPUTY_PIO', approverId: deputyPio.id },
      { role: 'CITY_MANAGER', approverId: cityManager.id },
    ]);
    expect((await sys.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status).toBe('PUBLISHED');
  });

  it("a deactivated person's links stop working, and stay revoked if they are made active again", async () => {
    const number = await declare('Deactivated link incident');
    const attorney = sys.roster.people.cityAttorney;
    const token = signLinkToken({ p: 'ack', incidentNumber: number, personId: attorney.id }, 3600, sys.config.LINK_SIGNING_SECRET);
    expect((await call('GET', `/ack/${token}`)).status).toBe(200);
    await deactivatePerson(sys.db, attorney.id, { actorId: null, actorLabel: 'test:security' });
    for (const method of ['GET', 'POST']) {
      const refused = await call(method, `/ack/${token}`);
      expect({ method, status: refused.status }).toEqual({ method, status: 403 });
      expect(refused.text).toContain('no longer works');
    }
    await sys.db.person.update({ where: { id: attorney.id }, data: { active: true } });
    expect((await call('POST', `/ack/${token}`)).status).toBe(403);
    const recipient = await sys.db.incidentRecipient.findFirst({ where: { incident: { number }, personId: attorney.id } });
    expect(recipient?.acknowledgedAt ?? null).toBeNull();
    // A link sent after the revocation works.
    const fresh = signLinkToken({ p: 'ack', incidentNumber: number, personId: attorney.id }, 3600, sys.config.LINK_SIGNING_SECRET, new Date(Date.now() + 2_000));
    expect((await call('GET', `/ack/${fresh}`)).status).toBe(200);
  });

  it('no request above got a 5xx', () => {
    expect(serverErrors).toEqual([]);
  });
});
