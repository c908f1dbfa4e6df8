// A resident's subscription, from request to confirmation: the confirmation
// request goes out (an email link, or "reply YES" by text), then the workflow
// waits for the confirmation for a limited time. Confirmed: a welcome (unless
// the reply to their YES already was one). Not confirmed in time: the request,
// and the address it held, are deleted.
import type { WorkflowSignatures } from '../domain/workflows';
import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  subscriptionConfirmedSignal,
  type SubscriptionConfirmedV1,
  type SubscriptionWorkflowInputV1,
  type SubscriptionWorkflowResultV1,
} from '../domain/contracts/subscription';
import { publicActivities } from './lib/publicActivities';

export async function subscriptionWorkflow(input: SubscriptionWorkflowInputV1): Promise<SubscriptionWorkflowResultV1> {
  const workflowId = workflowInfo().workflowId;
  let confirmed: SubscriptionConfirmedV1 | null = null;
  setHandler(subscriptionConfirmedSignal, (confirmation) => {
    confirmed ??= confirmation;
  });

  await publicActivities.sendSubscriptionNotice({ workflowId, subscriptionId: input.subscriptionId, notice: 'confirm' });
  if (await condition(() => confirmed !== null, input.confirmWithinMs)) {
    if (!(confirmed as SubscriptionConfirmedV1 | null)?.welcomed) {
      await publicActivities.sendSubscriptionNotice({ workflowId, subscriptionId: input.subscriptionId, notice: 'welcome' });
    }
    return { outcome: 'CONFIRMED' };
  }
  await publicActivities.expireSubscription({ subscriptionId: input.subscriptionId });
  return { outcome: 'EXPIRED' };
}

// The signature the API starts this workflow with (domain/workflows.ts).
subscriptionWorkflow satisfies WorkflowSignatures['subscriptionWorkflow'];
