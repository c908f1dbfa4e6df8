// Residents' comments on the whole system (Temporal dev server, PostgreSQL,
// the mail sink, the worker and the API), under a policy with a promise
// measured in seconds (test/harness/commentPolicy.ts): a resident comments with no account; the item's owner
// publishes and answers in time and the resident gets the answer by email; a
// second comment left unanswered is reminded and escalates up the action
// plan's ladder (owner -> sponsor -> city manager -> board) until answered
// late, listed in the board's monthly digest until then; the challenge, the rate limit and bad fields are refused; only the
// owner and the moderator roles moderate; "you said, we did"; the dashboard
// figures; and the resident's address is in no public answer.
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';
import { eventually } from '../harness/eventually';
import { DEFAULT_POLICY, setCurrentPolicy } from '../../policy';
import { FAST_COMMENTS_POLICY } from '../harness/commentPolicy';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { createPlanActivities } from '../../activities/plan';
import { renderMessage } from '../../activities/notifications/templates';

const RESIDENT_EMAIL = 'vecina.forsyth@example.net';
let sys: TestSystem;
const serverErrors: string[] = [];
const send = apiCaller(() => sys.request, { serverErrors });
const s = { planId: '', itemId: '', otherItemId: '' };
const inDays = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, 'America/Chicago'));
let requesterSeq = 0;
/** A fresh network address (the API trusts the loopback proxy's X-Forwarded-For), so each scenario has its own hourly limit. */
const freshRequester = () => ({ 'x-forwarded-for': `203.0.113.${++requesterSeq}` });

async function challenge(): Promise<{ token: string; answer: number }> {
  const res = await send('GET', '/api/public/comments/challenge');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { token: res.json.token, answer: res.json.question.a + res.json.question.b };
}

async function comment(fields: Record<string, unknown>, headers: Record<string, string> = freshRequester()) {
  return send('POST', '/api/public/comments', { json: { planId: s.planId, language: 'en', challenge: await challenge(), ...fields }, headers });
}

const mailTo = (address: string) => sys.sinks.mail.messages().filter((m) => m.envelope.to.includes(address));

beforeAll(async () => {
  setCurrentPolicy(FAST_COMMENTS_POLICY);
  sys = await startTestSystem();
  const plan = await send('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Comments plan', startDate: inDays(0), goals: [{ number: 1, title: 'Engagement' }] } });
  expect(plan.status).toBe(202);
  s.planId = plan.json.id;
  const item = async (title: string) => {
    const res = await send('POST', `/api/plans/${s.planId}/items`, {
      as: 'CITY_MANAGER',
      json: { goalNumber: 1, title, ownerId: sys.roster.people.policeChief.id, sponsorId: sys.roster.people.mayor.id, dueAt: inDays(60) },
    });
    expect(res.status).toBe(202);
    return res.json.id as string;
  };
  s.itemId = await item('Publish use-of-force data quarterly');
  s.otherItemId = await item('Quarterly listening session on use of force');
}, 120_000);

afterAll(async () => {
  setCurrentPolicy(DEFAULT_POLICY);
  await sys?.stop();
});

describe('public comments on the running system', () => {
  let answeredId = '';
  let escalatedId = '';

  it('a resident comments with no account; the owner publishes and answers in time; the answer is emailed to the resident', async () => {
    const res = await comment({ itemId: s.itemId, body: 'Please include traffic stops in the data.', displayName: 'Ana', replyEmail: RESIDENT_EMAIL });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ id: expect.any(String), status: 'PENDING', receivedAt: expect.any(String), dueAt: expect.any(String) });
    // 20 seconds, rounded up to the minute.
    const promised = Date.parse(res.json.dueAt) - Date.parse(res.json.receivedAt);
    expect(promised).toBeGreaterThanOrEqual(20_000);
    expect(promised).toBeLessThan(80_000);
    expect(Date.parse(res.json.dueAt) % 60_000).toBe(0);
    answeredId = res.json.id;

    // Not public until a moderator publishes it.
    const before = await send('GET', `/api/public/plans/${s.planId}/items/${s.itemId}/comments`);
    expect(before.json.comments).toEqual([]);

    const queue = await send('GET', '/api/comments/queue', { as: 'POLICE_CHIEF' });
    expect(queue.status).toBe(200);
    expect(queue.json.comments.map((c: { id: string }) => c.id)).toContain(answeredId);
    expect(queue.json.comments.find((c: { id: string }) => c.id === answeredId)).toMatchObject({ wantsReply: true, status: 'PENDING' });
    expect(queue.text).not.toContain(RESIDENT_EMAIL);

    expect((await send('POST', `/api/comments/${answeredId}/publish`, { as: 'POLICE_CHIEF' })).status).toBe(200);
    const reply = await send('POST', `/api/comments/${answeredId}/replies`, { as: 'POLICE_CHIEF', json: { body: 'Yes: traffic stops are in from the next quarter.' } });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ answeredOnTime: true, byName: sys.roster.people.policeChief.name });

    const mail = await eventually(async () => mailTo(RESIDENT_EMAIL).find((m) => m.subject.startsWith('The City answered your comment')), 'the reply email');
    expect(mail.text).toContain('Yes: traffic stops are in from the next quarter.');
    expect(mail.text).toContain(`/plans/${s.planId}/items/${s.itemId}`);
    // Recorded under its notification key before it was sent, once.
    const rows = await sys.db.notification.findMany({ where: { purpose: 'comment.reply' } });
    expect(rows).toHaveLength(1);
    expect(rows[0].idempotencyKey).toContain(`comment:${answeredId}`);

    const page = await send('GET', `/api/public/plans/${s.planId}/items/${s.itemId}/comments`);
    expect(page.status).toBe(200);
    expect(page.json.comments).toEqual([
      expect.objectContaining({ id: answeredId, displayName: 'Ana', status: 'ANSWERED', answeredOnTime: true, replies: [expect.objectContaining({ body: 'Yes: traffic stops are in from the next quarter.' })] }),
    ]);
    expect(page.text).not.toContain(RESIDENT_EMAIL);
    // Answered in time: nobody was reminded.
    await new Promise((r) => setTimeout(r, 500));
    expect(await sys.db.notification.count({ where: { purpose: { startsWith: 'comment.' }, NOT: { purpose: 'comment.reply' } } })).toBe(0);
  });

  it('a comment left unanswered is reminded, escalates owner -> sponsor -> city manager -> board, and is answered late', async () => {
    const res = await comment({ itemId: s.itemId, body: 'When will the data include complaints?' });
    expect(res.status).toBe(202);
    escalatedId = res.json.id;
    expect((await send('POST', `/api/comments/${escalatedId}/publish`, { as: 'STAKEHOLDER_LEAD' })).status).toBe(200);

    const chief = sys.roster.people.policeChief.email;
    const mayor = sys.roster.people.mayor.email;
    const manager = sys.roster.people.cityManager.email;
    await eventually(async () => mailTo(chief).some((m) => m.subject.startsWith("A resident's comment on Publish use-of-force data quarterly needs an answer")), 'the reminder', 90_000);
    await eventually(async () => mailTo(chief).some((m) => m.subject.startsWith('Overdue:')), 'the owner escalation', 90_000);
    await eventually(async () => mailTo(mayor).some((m) => m.subject.startsWith('Overdue:')), 'the sponsor escalation', 90_000);
    await eventually(async () => mailTo(manager).some((m) => m.subject.startsWith('Overdue:')), 'the city manager escalation', 90_000);
    const flagged = await eventually(async () => (await sys.db.publicComment.findUniqueOrThrow({ where: { id: escalatedId } })).flaggedForBoardAt, 'the board flag', 90_000);
    expect(flagged).toBeInstanceOf(Date);

    const overdueRows = await sys.db.notification.findMany({ where: { purpose: { in: ['comment.reminder', 'comment.overdue'] } }, orderBy: { createdAt: 'asc' } });
    const people = sys.roster.people;
    expect(overdueRows.map((n) => [n.purpose, n.personId])).toEqual([
      ['comment.reminder', people.policeChief.id],
      ['comment.overdue', people.policeChief.id],
      ['comment.overdue', people.mayor.id],
      ['comment.overdue', people.cityManager.id],
    ]);
  }, 200_000);

  it("the board's monthly digest lists the escalated comment while it has no answer, and not once it is answered", async () => {
    // Stand-in for the plan workflow's first-business-day timer (the
    // time-skipping plan tests run the workflow itself): its snapshot activity,
    // then the digest as every recipient's email renders it from the same data.
    const planActivities = createPlanActivities({ db: sys.db, config: sys.config });
    const digest = async (month: number, language = 'en') => {
      const summary = await planActivities.takeMonthlySnapshot({ planId: s.planId, month, period: `2099-0${month}`, takenAt: new Date().toISOString(), boardFlags: [] });
      const data = { ...summary, counts: summary.totals, boardFlags: [], timeZone: 'America/Chicago' };
      return { summary, email: renderMessage('plan.digest', data, 'EMAIL', sys.config, new Date(), { language }) };
    };
    const comment = await sys.db.publicComment.findUniqueOrThrow({ where: { id: escalatedId } });
    expect(comment.flaggedForBoardAt).toBeInstanceOf(Date);
    // The comment answered in time never reached the board, and is answered besides.
    const escalatedOnly = [{ commentId: escalatedId, itemId: s.itemId, goalNumber: 1, title: 'Publish use-of-force data quarterly', receivedAt: comment.receivedAt.toISOString(), dueAt: comment.dueAt.toISOString(), daysOverdue: expect.any(Number) }];

    const before = await digest(1);
    expect(before.summary.boardComments).toEqual(escalatedOnly);
    const text = before.email.text;
    expect(text).toContain(`For the Board: one resident's comment is past the time the City promised to answer it, and still has no answer:`);
    expect(text).toMatch(/"Publish use-of-force data quarterly": received .+, answer due .+, 0 days overdue\./);
    expect(text).not.toContain('When will the data include complaints?');
    expect(text).not.toContain(RESIDENT_EMAIL);
    expect(before.email.html).toContain('For the Board: one resident&#39;s comment');
    // The same list in the reader's language.
    expect((await digest(1, 'es')).email.text).toMatch(/«Publish use-of-force data quarterly»: recibido el .+, respuesta debida el .+, 0 días de atraso\./);
    // Kept with the published snapshot, and never on the public dashboard.
    const snapshot = await sys.db.dashboardSnapshot.findUniqueOrThrow({ where: { planId_month: { planId: s.planId, month: 1 } } });
    expect((snapshot.data as { boardComments: unknown }).boardComments).toEqual(escalatedOnly);
    const dashboard = await send('GET', `/api/public/plans/${s.planId}`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).not.toContain(escalatedId);

    const reply = await send('POST', `/api/comments/${escalatedId}/replies`, { as: 'CITY_MANAGER', json: { body: 'From next year; we are sorry for the wait.' } });
    expect(reply.status).toBe(201);
    expect(reply.json.answeredOnTime).toBe(false);
    const handle = sys.temporal.workflow.getHandle(`comment-response-${escalatedId}`);
    expect((await handle.result()).outcome).toBe('ANSWERED_LATE');

    const after = await digest(2);
    expect(after.summary.boardComments).toEqual([]);
    expect(after.email.text).not.toContain('For the Board');
  }, 60_000);

  it('refuses a wrong or forged challenge (422 naming the field), bad fields (400/422), and too many comments (429 with Retry-After)', async () => {
    const headers = freshRequester();
    const asked = await challenge();
    const wrong = await send('POST', '/api/public/comments', { json: { planId: s.planId, itemId: s.itemId, body: 'x', language: 'en', challenge: { ...asked, answer: asked.answer + 1 } }, headers });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.field).toBe('challenge.answer');
    const forged = await send('POST', '/api/public/comments', { json: { planId: s.planId, itemId: s.itemId, body: 'x', language: 'en', challenge: { token: 'q.abc.def', answer: 3 } }, headers });
    expect(forged.status).toBe(422);
    expect(forged.json.error.field).toBe('challenge.token');

    const both = await comment({ itemId: s.itemId, goalNumber: 1, body: 'Both?' });
    expect(both.status).toBe(422);
    expect(both.json.error.field).toBe('itemId');
    const tooLong = await comment({ itemId: s.itemId, body: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.field).toBe('body');
    const badEmail = await comment({ itemId: s.itemId, body: 'Hello', replyEmail: 'not-an-address' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.json.error.field).toBe('replyEmail');
    const unknownField = await comment({ itemId: s.itemId, body: 'Hello', email: RESIDENT_EMAIL });
    expect(unknownField.status).toBe(400);
    const noSuchItem = await comment({ itemId: 'no-such-item', body: 'Hello' });
    expect(noSuchItem.status).toBe(422);
    expect(noSuchItem.json.error.field).toBe('itemId');

    // Four per hour from one address (this policy): two spent above, two more, then refused.
    expect((await comment({ itemId: s.itemId, body: 'Third' }, headers)).status).toBe(202);
    expect((await comment({ goalNumber: 1, body: 'Fourth, on the goal' }, headers)).status).toBe(202);
    const limited = await comment({ itemId: s.itemId, body: 'Fifth' }, headers);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await sys.db.publicComment.count({ where: { body: 'Fifth' } })).toBe(0);
  });

  it("the console is told who moderates: the policy's moderator roles, and an item's owner through GET /api/me", async () => {
    const policy = await send('GET', '/api/policy');
    expect(policy.json.access.moderateComments).toEqual(FAST_COMMENTS_POLICY.comments!.moderatorRoles);
    expect(policy.json.access.moderateComments).not.toContain('PIO');
    // The police chief owns items here and holds no moderator role.
    expect((await send('GET', '/api/me', { as: 'POLICE_CHIEF' })).json.grants).toEqual(['moderateComments']);
    expect((await send('GET', '/api/me', { as: 'PIO' })).json.grants).toEqual([]);
    expect((await send('GET', '/api/comments/queue', { as: 'PIO' })).status).toBe(403);
    expect((await send('GET', '/api/comments/queue', { as: 'POLICE_CHIEF' })).status).toBe(200);
  });

  it('only the item owner and the moderator roles moderate (403 for others)', async () => {
    const res = await comment({ itemId: s.otherItemId, body: 'A comment for the permissions test' });
    const id = res.json.id;
    expect((await send('POST', `/api/comments/${id}/publish`, { as: 'PIO' })).status).toBe(403);
    expect((await send('GET', '/api/comments/queue', { as: 'PIO' })).status).toBe(403);
    expect((await send('POST', `/api/comments/${id}/reject`, { as: 'MAYOR', json: { reason: 'Off topic' } })).status).toBe(403);
    expect((await send('POST', `/api/comments/${id}/publish`)).status).toBe(401);
    expect((await send('POST', '/api/comments/no-such-comment/publish', { as: 'CITY_MANAGER' })).status).toBe(404);
    // Not published yet: it cannot be answered.
    expect((await send('POST', `/api/comments/${id}/replies`, { as: 'POLICE_CHIEF', json: { body: 'Early' } })).status).toBe(409);
    const rejected = await send('POST', `/api/comments/${id}/reject`, { as: 'STAKEHOLDER_LEAD', json: { reason: 'Names a private person' } });
    expect(rejected.status).toBe(200);
    expect((await send('POST', `/api/comments/${id}/publish`, { as: 'STAKEHOLDER_LEAD' })).status).toBe(409);
    const handle = sys.temporal.workflow.getHandle(`comment-response-${id}`);
    expect((await handle.result()).outcome).toBe('REJECTED');
    const page = await send('GET', `/api/public/plans/${s.planId}/items/${s.otherItemId}/comments`);
    expect(page.json.comments).toEqual([]);
  });

  it('"you said, we did": a comment linked to the item it led to shows on both pages; the dashboard counts answers on time', async () => {
    const linked = await send('POST', `/api/comments/${answeredId}/link`, { as: 'POLICE_CHIEF', json: { itemId: s.otherItemId } });
    expect(linked.status).toBe(200);
    const wrongPlan = await send('POST', `/api/comments/${answeredId}/link`, { as: 'POLICE_CHIEF', json: { itemId: 'no-such-item' } });
    expect(wrongPlan.status).toBe(422);

    const source = await send('GET', `/api/public/plans/${s.planId}/items/${s.itemId}/comments`);
    expect(source.json.comments.find((c: { id: string }) => c.id === answeredId).ledTo).toMatchObject({ itemId: s.otherItemId });
    const result = await send('GET', `/api/public/plans/${s.planId}/items/${s.otherItemId}/comments`);
    expect(result.json.cameFrom).toEqual([expect.objectContaining({ commentId: answeredId })]);

    const figures = await send('GET', `/api/public/plans/${s.planId}/comment-figures`);
    expect(figures.status).toBe(200);
    const received = await sys.db.publicComment.count({ where: { planId: s.planId } });
    expect(figures.json).toEqual({ received, answered: 2, answeredOnTime: 1, onTimeRate: 0.5 });
    expect((await send('GET', '/api/public/plans/no-such-plan/comment-figures')).status).toBe(404);
  });

  it("never shows the resident's address in a public answer or page, and nothing failed on the server", async () => {
    const pub = await Promise.all([
      send('GET', `/api/public/plans/${s.planId}/items/${s.itemId}/comments`),
      send('GET', `/api/public/plans/${s.planId}/items/${s.otherItemId}/comments`),
      send('GET', `/api/public/plans/${s.planId}/goals/1/comments`),
      send('GET', `/api/public/plans/${s.planId}/comment-figures`),
      send('GET', `/plans/${s.planId}/items/${s.itemId}`, { headers: { accept: 'text/html' } }),
      send('GET', `/plans/${s.planId}/goals/1`, { headers: { accept: 'text/html' } }),
    ]);
    for (const res of pub) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(RESIDENT_EMAIL);
    }
    expect(pub[4].text).toContain('Yes: traffic stops are in from the next quarter.');
    expect(serverErrors).toEqual([]);
  });
});
