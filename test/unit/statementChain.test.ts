// The approval chain of clayton-2026.2, as the city described its users, on
// the time-skipping server: the police department or the communications
// staff draft, the PIO approves (reminded, then escalated, like any approver),
// and at severity 1 the city manager signs off after the PIO. A person never
// approves their own words: when the PIO drafts, or revises and approves, a
// stand-in decides the PIO's step. (clayton-2026.1's chain keeps its own tests
// in statementApproval.test.ts.)
import type { Person } from '../../generated/prisma/client';
import { incidentStateQuery, submitStatementUpdate } from '../../domain/contracts/incident';
import { decideUpdate, reviseAndApproveUpdate, reviseUpdate, statementStateQuery } from '../../domain/contracts/statement';
import { FailureType } from '../../domain/failures';
import type { Role } from '../../domain/roles';
import type { statementApprovalWorkflow } from '../../workflows/statement';
import {
  MINUTE,
  actor,
  declareIncident,
  eventually,
  failureTypeOf,
  ids,
  messagesFor,
  recipientsOf,
  skipTo,
  terminateWhenIdle,
  useIncidentTestContext,
  WORKFLOW_TEST_TIMEOUT_MS,
} from '../harness/incident';

const ctx = useIncidentTestContext('statement-chain-unit');
const POLICY = 'clayton-2026.2';

const HOLDING = { kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth incident', body: 'We are aware of an incident on Forsyth Blvd.' };

/** An incident under clayton-2026.2 with a holding statement drafted by `author`, waiting for its first approver. */
async function drafted(severity: 1 | 2 | 3, author: Person) {
  const { handle: incident } = await declareIncident(ctx, { severity, type: 'OTHER', policyVersion: POLICY });
  await eventually(async () => expect((await incident.query(incidentStateQuery)).deadlines.length).toBeGreaterThan(0));
  const submitted = await incident.executeUpdate(submitStatementUpdate, { args: [{ ...HOLDING, author: actor(author) }] });
  const statement = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(submitted.workflowId);
  await eventually(async () => expect((await statement.query(statementStateQuery)).awaiting).not.toBeNull());
  return { incident, statement, sid: submitted.workflowId, statementId: submitted.statementId };
}

const approve = (version: number, approver: Person) => ({ args: [{ version, decision: 'APPROVE' as const, approver: actor(approver) }] as [any] });

/** After a publication: the statement's workflow completes by itself; the incident's is stopped once idle. */
async function finish(statementWorkflowId: string, incidentWorkflowId: string) {
  await ctx.env.client.workflow.getHandle(statementWorkflowId).result();
  await terminateWhenIdle(ctx, incidentWorkflowId);
}

async function approvalRows(statementId: string): Promise<string[]> {
  const rows = await ctx.db.approval.findMany({ where: { statementId } });
  return rows.map((a) => `${a.version}:${a.role}:${a.decision}`).sort();
}

/** A person for one test, who holds several roles at once; deactivated afterwards so other tests never reach them. */
async function personWithRoles(key: string, roles: Role[]): Promise<Person> {
  return ctx.db.person.create({ data: { name: `Test ${key}`, title: `Test ${key}`, email: `${key}-${Date.now()}@example.org`, roles } });
}
const retire = (person: Person) => ctx.db.person.update({ where: { id: person.id }, data: { active: false } });

describe('clayton-2026.2: drafted by the department or communications staff, approved by the PIO', () => {
  it('severity 1: the chief drafts; the PIO is reminded and escalated, then approves; the city manager signs off; published', async () => {
    const p = ctx.people;
    const { handle: incident } = await declareIncident(ctx, { severity: 1, type: 'OTHER', policyVersion: POLICY });
    await eventually(async () => expect((await incident.query(incidentStateQuery)).deadlines.length).toBeGreaterThan(0));

    // The drafters are a set; the city manager and the mayor are not in it.
    for (const outsider of [p.cityManager, p.mayor]) {
      expect(await failureTypeOf(incident.executeUpdate(submitStatementUpdate, { args: [{ ...HOLDING, author: actor(outsider) }] }))).toBe(
        FailureType.NotPermitted,
      );
    }
    const submitted = await incident.executeUpdate(submitStatementUpdate, { args: [{ ...HOLDING, author: actor(p.policeChief) }] });
    expect(submitted.deadlineKey).toBe('holding_statement');
    const sid = submitted.workflowId;
    const statement = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(sid);
    await eventually(async () =>
      expect(await statement.query(statementStateQuery)).toMatchObject({
        status: 'PENDING_APPROVAL',
        awaiting: 'PIO',
        awaitingRoles: ['PIO'],
        authorId: p.policeChief.id,
        chain: [
          { role: 'PIO', standIn: false, decision: null },
          { role: 'CITY_MANAGER', standIn: false, decision: null },
        ],
      }),
    );
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:PIO')).toEqual(ids(p.pio)));
    const askedAt = await ctx.env.currentTimeMs();

    // The city manager signs off only after the PIO.
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(1, p.cityManager)))).toBe(FailureType.NotPermitted);

    // The PIO sits on it: reminded at 30 minutes, and the city manager is told at 60 (the policy's escalateTo for the PIO).
    await skipTo(ctx, askedAt + 29 * MINUTE);
    expect(messagesFor(ctx, sid, 'statement.approval-reminder')).toHaveLength(0);
    await skipTo(ctx, askedAt + 30 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-reminder', 'v1:PIO')).toEqual(ids(p.pio)));
    expect(messagesFor(ctx, sid, 'statement.approval-escalation')).toHaveLength(0);
    await skipTo(ctx, askedAt + 60 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-escalation', 'v1:PIO')).toEqual(ids(p.cityManager)));
    expect(messagesFor(ctx, sid, 'statement.approval-escalation')[0].data).toMatchObject({
      approverTitle: 'Public Information Officer',
      approverName: p.pio.name,
    });

    const afterPio = await statement.executeUpdate(decideUpdate, approve(1, p.pio));
    expect(afterPio).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'CITY_MANAGER', awaitingRoles: ['CITY_MANAGER'] });
    expect(afterPio.chain[0]).toMatchObject({ role: 'PIO', decision: 'APPROVED', approverId: p.pio.id, decidedAs: 'PIO' });
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:CITY_MANAGER')).toEqual(ids(p.cityManager)));
    // The PIO cannot take the city manager's step too.
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(1, p.pio)))).toBe(FailureType.NotPermitted);

    const published = await statement.executeUpdate(decideUpdate, approve(1, p.cityManager));
    expect(published.status).toBe('PUBLISHED');
    expect(await approvalRows(submitted.statementId)).toEqual(['1:CITY_MANAGER:APPROVED', '1:PIO:APPROVED']);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.published')).toEqual(ids(p.policeChief)));
    await eventually(async () =>
      expect((await incident.query(incidentStateQuery)).statements).toEqual([expect.objectContaining({ statementId: submitted.statementId, published: true })]),
    );
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('severity 3: the PIO alone approves; sent back, the draft returns to its author, the communications officer', async () => {
    const p = ctx.people;
    const { incident, statement, sid, statementId } = await drafted(3, p.communicationsOfficer);
    expect((await statement.query(statementStateQuery)).chain.map((s) => s.role)).toEqual(['PIO']);

    const rejected = await statement.executeUpdate(decideUpdate, {
      args: [{ version: 1, decision: 'REJECT', comment: 'Name the investigating agency.', approver: actor(p.pio) }],
    });
    expect(rejected).toMatchObject({ status: 'CHANGES_REQUESTED', awaiting: null, awaitingRoles: [] });
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.changes-requested')).toEqual(ids(p.communicationsOfficer)));
    expect(messagesFor(ctx, sid, 'statement.changes-requested')[0].data).toMatchObject({ reviewerTitle: 'Public Information Officer' });

    // Any drafter may revise; a role outside the set may not.
    expect(await failureTypeOf(statement.executeUpdate(reviseUpdate, { args: [{ title: 'x', body: 'y', author: actor(p.mayor) }] }))).toBe(
      FailureType.NotPermitted,
    );
    const revised = await statement.executeUpdate(reviseUpdate, {
      args: [{ title: HOLDING.title, body: 'The St. Louis County Police are investigating.', author: actor(p.communicationsOfficer) }],
    });
    expect(revised).toMatchObject({ currentVersion: 2, awaiting: 'PIO' });
    expect((await statement.executeUpdate(decideUpdate, approve(2, p.pio))).status).toBe('PUBLISHED');
    expect(await approvalRows(statementId)).toEqual(['1:PIO:REJECTED', '2:PIO:APPROVED']);
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);
});

describe('a person never approves their own draft', () => {
  it('when the PIO drafts at severity 3, the deputy PIO or the city manager approves in the PIO\'s place', async () => {
    const p = ctx.people;
    const { incident, statement, sid, statementId } = await drafted(3, p.pio);
    expect(await statement.query(statementStateQuery)).toMatchObject({
      awaiting: 'PIO',
      awaitingRoles: ['DEPUTY_PIO', 'CITY_MANAGER'],
      chain: [{ role: 'PIO', standIn: true, deciders: ['DEPUTY_PIO', 'CITY_MANAGER'] }],
    });
    // The request goes to the stand-ins, never to the author.
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:PIO')).toEqual(ids(p.deputyPio, p.cityManager)));
    expect(messagesFor(ctx, sid, 'statement.approval-request')[0].data).toMatchObject({ standingInFor: 'Public Information Officer' });
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(1, p.pio)))).toBe(FailureType.NotPermitted);

    const published = await statement.executeUpdate(decideUpdate, approve(1, p.cityManager));
    expect(published.status).toBe('PUBLISHED');
    expect(published.chain[0]).toMatchObject({ role: 'PIO', decision: 'APPROVED', approverId: p.cityManager.id, decidedAs: 'CITY_MANAGER' });
    expect(await approvalRows(statementId)).toEqual(['1:CITY_MANAGER:APPROVED']);
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('when the PIO drafts at severity 1, only the deputy PIO stands in (the city manager signs off after), and is reminded and escalated', async () => {
    const p = ctx.people;
    const { incident, statement, sid, statementId } = await drafted(1, p.pio);
    const askedAt = await ctx.env.currentTimeMs();
    expect((await statement.query(statementStateQuery)).awaitingRoles).toEqual(['DEPUTY_PIO']);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:PIO')).toEqual(ids(p.deputyPio)));
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(1, p.cityManager)))).toBe(FailureType.NotPermitted);

    await skipTo(ctx, askedAt + 30 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-reminder', 'v1:PIO')).toEqual(ids(p.deputyPio)));
    await skipTo(ctx, askedAt + 60 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-escalation', 'v1:PIO')).toEqual(ids(p.cityManager)));
    expect(messagesFor(ctx, sid, 'statement.approval-escalation')[0].data).toMatchObject({
      approverName: p.deputyPio.name,
      approverTitle: 'Deputy Public Information Officer',
    });

    expect(await statement.executeUpdate(decideUpdate, approve(1, p.deputyPio))).toMatchObject({ awaiting: 'CITY_MANAGER' });
    expect((await statement.executeUpdate(decideUpdate, approve(1, p.cityManager))).status).toBe('PUBLISHED');
    expect(await approvalRows(statementId)).toEqual(['1:CITY_MANAGER:APPROVED', '1:DEPUTY_PIO:APPROVED']);
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('whatever roles the author holds: a chief who is also the PIO is stood in for; a city manager who drafted is refused their own step', async () => {
    const p = ctx.people;
    const chiefAndPio = await personWithRoles('chief-and-pio', ['POLICE_CHIEF', 'PIO']);
    try {
      const { incident, statement, sid } = await drafted(3, chiefAndPio);
      expect((await statement.query(statementStateQuery)).awaitingRoles).toEqual(['DEPUTY_PIO', 'CITY_MANAGER']);
      expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(1, chiefAndPio)))).toBe(FailureType.NotPermitted);
      // The other PIO is not asked either: the step is the stand-ins'.
      await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:PIO')).toEqual(ids(p.deputyPio, p.cityManager)));
      expect((await statement.executeUpdate(decideUpdate, approve(1, p.deputyPio))).status).toBe('PUBLISHED');
      await finish(sid, incident.workflowId);
    } finally {
      await retire(chiefAndPio);
    }

    // No stand-in is named for the city manager: the step stays with that role, and its holder who wrote the draft may not take it.
    const officerAndManager = await personWithRoles('officer-and-manager', ['COMMUNICATIONS_OFFICER', 'CITY_MANAGER']);
    try {
      const { incident, statement, sid } = await drafted(1, officerAndManager);
      await statement.executeUpdate(decideUpdate, approve(1, p.pio));
      expect(await statement.query(statementStateQuery)).toMatchObject({ awaiting: 'CITY_MANAGER', awaitingRoles: ['CITY_MANAGER'] });
      const own = await statement.executeUpdate(decideUpdate, approve(1, officerAndManager)).catch((err: { cause?: { type?: string; message?: string } }) => err.cause);
      expect(own).toMatchObject({ type: FailureType.NotPermitted, message: expect.stringContaining('you wrote version 1') });
      await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:CITY_MANAGER')).toEqual(ids(p.cityManager)));
      expect((await statement.executeUpdate(decideUpdate, approve(1, p.cityManager))).status).toBe('PUBLISHED');
      await finish(sid, incident.workflowId);
    } finally {
      await retire(officerAndManager);
    }
  }, WORKFLOW_TEST_TIMEOUT_MS);
});

describe('revise and approve in one step', () => {
  it('the PIO revises the chief\'s draft and approves it; the deputy PIO approves in the PIO\'s place, then the city manager sees the revised text', async () => {
    const p = ctx.people;
    const { incident, statement, sid, statementId } = await drafted(1, p.policeChief);
    const revision = {
      version: 1,
      title: 'Statement on the Forsyth Blvd incident',
      body: 'The St. Louis County Police Department is investigating. We will update the public within 7 days.',
      comment: 'Named the investigating agency.',
    };

    // Only the approver whose turn it is, on the version they read, with a text.
    expect(await failureTypeOf(statement.executeUpdate(reviseAndApproveUpdate, { args: [{ ...revision, approver: actor(p.cityManager) }] }))).toBe(
      FailureType.NotPermitted,
    );
    expect(await failureTypeOf(statement.executeUpdate(reviseAndApproveUpdate, { args: [{ ...revision, version: 2, approver: actor(p.pio) }] }))).toBe(
      FailureType.InvalidState,
    );
    expect(await failureTypeOf(statement.executeUpdate(reviseAndApproveUpdate, { args: [{ ...revision, body: ' ', approver: actor(p.pio) }] }))).toBe(
      FailureType.InvalidInput,
    );

    const revised = await statement.executeUpdate(reviseAndApproveUpdate, { args: [{ ...revision, approver: actor(p.pio) }] });
    expect(revised).toMatchObject({
      status: 'PENDING_APPROVAL',
      currentVersion: 2,
      authorId: p.pio.id,
      awaiting: 'PIO',
      awaitingRoles: ['DEPUTY_PIO'],
      chain: [
        { role: 'PIO', standIn: true, decision: null, revisedBy: p.pio.id },
        { role: 'CITY_MANAGER', decision: null },
      ],
    });
    // A new version by the PIO in the history, and the PIO's approval of it.
    const versions = await ctx.db.statementVersion.findMany({ where: { statementId }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.authorId])).toEqual([
      [1, p.policeChief.id],
      [2, p.pio.id],
    ]);
    expect(versions[1].body).toBe(revision.body);
    const pioApproval = await ctx.db.approval.findFirstOrThrow({ where: { statementId, version: 2, role: 'PIO' } });
    expect(pioApproval).toMatchObject({ approverId: p.pio.id, decision: 'APPROVED', comment: 'Named the investigating agency.' });
    // The chief hears that their text changed; the deputy PIO is asked.
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.revised-by-approver')).toEqual(ids(p.policeChief)));
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v2:PIO')).toEqual(ids(p.deputyPio)));

    // The PIO wrote version 2: they cannot approve it (again), nor revise-and-approve at the stand-in's step.
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, approve(2, p.pio)))).toBe(FailureType.NotPermitted);
    expect(await statement.executeUpdate(decideUpdate, approve(2, p.deputyPio))).toMatchObject({ awaiting: 'CITY_MANAGER' });

    // The city manager may not revise-and-approve: nobody is named to approve in their place, so they send it back instead.
    const managerRevision = await statement
      .executeUpdate(reviseAndApproveUpdate, { args: [{ ...revision, version: 2, approver: actor(p.cityManager) }] })
      .catch((err: { cause?: { type?: string; message?: string } }) => err.cause);
    expect(managerRevision).toMatchObject({ type: FailureType.NotPermitted, message: expect.stringContaining('send it back with a comment instead') });

    const published = await statement.executeUpdate(decideUpdate, approve(2, p.cityManager));
    expect(published.status).toBe('PUBLISHED');
    expect(await ctx.db.statement.findUniqueOrThrow({ where: { id: statementId } })).toMatchObject({ publishedVersion: 2 });
    expect(await approvalRows(statementId)).toEqual(['2:CITY_MANAGER:APPROVED', '2:DEPUTY_PIO:APPROVED', '2:PIO:APPROVED']);
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('a stand-in who revises and approves hands the step back to the PIO', async () => {
    const p = ctx.people;
    const { incident, statement, sid, statementId } = await drafted(3, p.pio);
    const revised = await statement.executeUpdate(reviseAndApproveUpdate, {
      args: [{ version: 1, title: HOLDING.title, body: 'Shorter and clearer.', approver: actor(p.deputyPio) }],
    });
    expect(revised).toMatchObject({ currentVersion: 2, authorId: p.deputyPio.id, awaitingRoles: ['PIO'], chain: [{ role: 'PIO', standIn: false, revisedBy: p.deputyPio.id }] });
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.revised-by-approver')).toEqual(ids(p.pio)));
    expect((await statement.executeUpdate(decideUpdate, approve(2, p.pio))).status).toBe('PUBLISHED');
    expect(await approvalRows(statementId)).toEqual(['2:DEPUTY_PIO:APPROVED', '2:PIO:APPROVED']);
    await finish(sid, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);
});
