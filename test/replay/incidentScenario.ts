// The incident scenario whose histories the replay test keeps: a sev-1
// incident declared, partly acknowledged, escalated to backups, its holding
// statement rejected once and published late, a deadline extended, the
// incident closed and its after-action review published, to completion.
// Since v6 it runs under clayton-2026.3: the city attorney holds every holding
// statement from the start, the silent are phoned (the city attorney presses
// 1), the chief drafts, the PIO sends the draft back, then revises and
// approves the chief's revision, the deputy PIO approves in the PIO's place
// and the city manager signs off; the approved statement waits behind the
// hold until the attorney releases it. v5 ran the same chain under
// clayton-2026.2 without holds or calls; generations v1-v4 ran the
// clayton-2026.1 chain (the PIO drafts; the city manager, then the chief
// approve). All are replayed as they were recorded.
// Histories are kept forever, one pair per workflow-code generation. After a
// change guarded by patched(), record a new pair next to the old ones:
//   SAVE_INCIDENT_HISTORY=v3 npx jest --selectProjects unit --testPathPattern incidentReplay
// writes incident-v3.json and statement-v3.json; the replay test replays them all.
import fs from 'node:fs';
import path from 'node:path';
import { acknowledgeUpdate, closeIncidentUpdate, extendDeadlineUpdate, submitStatementUpdate } from '../../domain/contracts/incident';
import { placeHoldUpdate, releaseHoldUpdate } from '../../domain/contracts/holds';
import { decideUpdate, reviseAndApproveUpdate, reviseUpdate, statementStateQuery } from '../../domain/contracts/statement';
import {
  DAY,
  MINUTE,
  actor,
  declareIncident,
  eventually,
  recipientsOf,
  skipTo,
  startIncidentTestContext,
} from '../harness/incident';
import { HISTORY_DIR, saveHistory } from './savedHistory';
export const historyFiles = (generation: string) => ({
  incident: path.join(HISTORY_DIR, `incident-${generation}.json`),
  statement: path.join(HISTORY_DIR, `statement-${generation}.json`),
});

/** Saved generations, oldest first (v1, v2, ...). */
export function savedGenerations(): string[] {
  if (!fs.existsSync(HISTORY_DIR)) return [];
  return fs
    .readdirSync(HISTORY_DIR)
    .map((f) => /^incident-(v\d+)\.json$/.exec(f)?.[1])
    .filter((g): g is string => !!g)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

export async function recordIncidentHistories(generation: string): Promise<void> {
  if (!/^v\d+$/.test(generation)) throw new Error(`history generation must look like v2, got ${generation}`);
  const files = historyFiles(generation);
  const ctx = await startIncidentTestContext('incident-replay-recording');
  try {
    const p = ctx.people;
    const { handle, declaredAt } = await declareIncident(ctx, {
      severity: 1,
      title: 'Replay scenario: officer-involved shooting',
      policyVersion: 'clayton-2026.3',
    });
    const wid = handle.workflowId;
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toHaveLength(10));
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.mayor.id, via: 'EMAIL_LINK' }] });
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.pio.id, via: 'SMS' }] });
    const held = await handle.executeUpdate(placeHoldUpdate, {
      args: [{ scope: { kind: 'STATEMENT_KIND', statementKind: 'HOLDING_STATEMENT' }, category: 'PENDING_INVESTIGATION', detail: 'County prosecutor asked for 24 hours.', by: actor(p.cityAttorney) }],
    });

    const holding = await handle.executeUpdate(submitStatementUpdate, {
      args: [{ kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth Boulevard shooting', body: 'First draft.', author: actor(p.policeChief) }],
    });
    const statement = ctx.env.client.workflow.getHandle(holding.workflowId);
    await eventually(async () => expect((await statement.query(statementStateQuery)).awaiting).toBe('PIO'));
    await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'REJECT', comment: 'Name the investigating agency.', approver: actor(p.pio) }] });

    // Phoned at 5 minutes: the city attorney presses 1.
    await skipTo(ctx, declaredAt + 5 * MINUTE + 1000);
    await eventually(() => expect(ctx.sent.some((m) => m.workflowId === wid && m.purpose === 'incident.ack-call')).toBe(true));
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.cityAttorney.id, via: 'PHONE' }] });

    await skipTo(ctx, declaredAt + 16 * MINUTE);
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.ack-escalation').length).toBeGreaterThan(0));
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.deputyChief.id, via: 'API' }] });
    await skipTo(ctx, declaredAt + 31 * MINUTE);
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.silent-report').length).toBeGreaterThan(0));

    await statement.executeUpdate(reviseUpdate, { args: [{ title: 'Statement on the Forsyth Boulevard shooting', body: 'The county is investigating.', author: actor(p.policeChief) }] });
    await skipTo(ctx, declaredAt + 70 * MINUTE);
    await statement.executeUpdate(reviseAndApproveUpdate, {
      args: [{ version: 2, title: 'Statement on the Forsyth Boulevard shooting', body: 'St. Louis County is investigating.', comment: 'Named the agency.', approver: actor(p.pio) }],
    });
    await statement.executeUpdate(decideUpdate, { args: [{ version: 3, decision: 'APPROVE', approver: actor(p.deputyPio) }] });
    // Every approval given: the statement waits behind the hold until the attorney releases it.
    await statement.executeUpdate(decideUpdate, { args: [{ version: 3, decision: 'APPROVE', approver: actor(p.cityManager) }] });
    await eventually(async () => expect((await statement.query(statementStateQuery)).status).toBe('APPROVED'));
    await skipTo(ctx, declaredAt + 75 * MINUTE);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: held.holdId, note: 'Prosecutor agreed.', by: actor(p.cityAttorney) }] });
    await statement.result();

    await handle.executeUpdate(extendDeadlineUpdate, {
      args: [{ deadlineKey: 'preliminary_report', newDueAt: new Date(declaredAt + 35 * DAY).toISOString(), reason: 'Awaiting lab results.', by: actor(p.cityManager) }],
    });
    await skipTo(ctx, declaredAt + 8 * DAY);
    await handle.executeUpdate(closeIncidentUpdate, { args: [{ summary: 'Referred to the county prosecutor.', by: actor(p.cityManager) }] });

    const aar = await handle.executeUpdate(submitStatementUpdate, {
      args: [{ kind: 'AFTER_ACTION_REVIEW', title: 'After-action review', body: 'What went well; what we will change.', author: actor(p.communicationsOfficer) }],
    });
    const aarStatement = ctx.env.client.workflow.getHandle(aar.workflowId);
    await eventually(async () => expect((await aarStatement.query(statementStateQuery)).awaiting).toBe('PIO'));
    await aarStatement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.pio) }] });
    await aarStatement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.cityManager) }] });

    // Runs the remaining report deadlines' ladders to the end (time skips while we wait for the result).
    await handle.result();

    await saveHistory(files.incident, handle);
    await saveHistory(files.statement, statement);
  } finally {
    await ctx.stop();
  }
}
