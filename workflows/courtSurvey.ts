// The court-user survey (Goal 3). One workflow per recorded contact: wait
// until the policy's delay after the case closed, invite, wait remindAfter
// for an answer or an opt-out, remind once, wait expiresAfter, then let the
// invitation expire. The answer and the opt-out are recorded by the API
// (services/courtSurvey.ts) before it signals here, so the workflow only
// stops. A second workflow, started each quarter by a Schedule
// (lib/systemSchedules.ts), publishes the quarters that have closed.
import { condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { WorkflowSignatures } from '../domain/workflows';
import {
  courtSurveyAnsweredSignal,
  courtSurveyOptedOutSignal,
  type CourtSurveyActivities,
  type CourtSurveyInvitationInputV1,
  type CourtSurveyInvitationResultV1,
} from '../domain/contracts/courtSurvey';
import { PUBLIC_FAN_OUT_ACTIVITY_OPTIONS } from '../domain/retry';

const activities = proxyActivities<CourtSurveyActivities>(PUBLIC_FAN_OUT_ACTIVITY_OPTIONS);

export async function courtSurveyInvitationWorkflow(input: CourtSurveyInvitationInputV1): Promise<CourtSurveyInvitationResultV1> {
  const workflowId = workflowInfo().workflowId;
  let stopped: 'COMPLETED' | 'OPTED_OUT' | null = null;
  setHandler(courtSurveyAnsweredSignal, () => {
    stopped ??= 'COMPLETED';
  });
  setHandler(courtSurveyOptedOutSignal, () => {
    stopped ??= 'OPTED_OUT';
  });
  const outcome = () => stopped as 'COMPLETED' | 'OPTED_OUT';

  const untilInvitation = Date.parse(input.inviteAt) - Date.now();
  if (untilInvitation > 0) await sleep(untilInvitation);

  let reminded = false;
  if (!(await activities.sendCourtSurveyMessage({ workflowId, contactId: input.contactId, step: 'invitation' })).sent) {
    return { outcome: 'GONE', reminded };
  }
  if (await condition(() => stopped !== null, input.remindAfterMs)) return { outcome: outcome(), reminded };

  reminded = (await activities.sendCourtSurveyMessage({ workflowId, contactId: input.contactId, step: 'reminder' })).sent;
  if (!reminded) {
    // Answered or opted out while the reminder was on its way: the signal follows the record.
    return { outcome: (await condition(() => stopped !== null, '1 minute')) ? outcome() : 'GONE', reminded };
  }
  if (await condition(() => stopped !== null, input.expiresAfterMs)) return { outcome: outcome(), reminded };

  const { expired } = await activities.expireCourtSurveyInvitation({ contactId: input.contactId });
  if (!expired) return { outcome: (await condition(() => stopped !== null, '1 minute')) ? outcome() : 'GONE', reminded };
  return { outcome: 'EXPIRED', reminded };
}

/** Publishes the summary of every quarter that has closed and is not yet published. */
export async function courtSurveyQuarterWorkflow(): Promise<{ published: string[] }> {
  return activities.publishCourtSurveyQuarters();
}

courtSurveyInvitationWorkflow satisfies WorkflowSignatures['courtSurveyInvitationWorkflow'];
courtSurveyQuarterWorkflow satisfies WorkflowSignatures['courtSurveyQuarterWorkflow'];
