// The activities behind telling the public (domain/contracts/publicFanOut.ts)
// and behind a resident's subscription (domain/contracts/subscription.ts):
// starting an event's fan-out once, reading who it goes to page by page,
// sending a batch in each subscriber's language, and the confirmation and
// welcome of a subscription. Every send is idempotent per subscriber.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../../lib/config';
import { subscriptionLinkUrls } from '../../lib/links';
import { eraseSubscription, topicsInWords } from '../../lib/subscriptionData';
import { publicFanOutWorkflowId } from '../../domain/ids';
import {
  publicFanOutPlan,
  type OfficialsNoticeV1,
  type PublicFanOutActivities,
  type PublicFanOutInputV1,
} from '../../domain/contracts/publicFanOut';
import type { SubscriptionActivities } from '../../domain/contracts/subscription';
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import { officialsNoticeData, publicMessageData } from './content';
import { recipientsPageQuery } from './recipients';
import { createSubscriberSender, type SubscriberSenderDeps } from './subscriberMessages';

export type PublicFanOutDeps = SubscriberSenderDeps & {
  config: SubscriberSenderDeps['config'] & Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'SMS_SENDS_PER_SECOND'>;
  /** Defaults to the worker's own client. */
  temporal?: Client;
};

/** Emails go a batch at a time, a few batches at once; texts at the sender's rate. */
const EMAIL_BATCH = 100;
const EMAIL_BATCHES_AT_ONCE = 4;
const PAGE_SIZE = 500;

export function createPublicFanOutActivities(deps: PublicFanOutDeps): PublicFanOutActivities & SubscriptionActivities {
  const { db, config } = deps;
  const temporal = (): Client => deps.temporal ?? Context.current().client;
  const subscribers = createSubscriberSender(deps);

  return {
    async startPublicFanOut({ event, officials }) {
      const plan = publicFanOutPlan(event);
      const workflowId = publicFanOutWorkflowId(plan.eventKey);
      let notice: OfficialsNoticeV1 | null = null;
      if (officials && event.kind === 'statement.published') {
        const { data, incidentId, authorId } = await officialsNoticeData(db, event, config.PUBLIC_BASE_URL);
        notice = {
          roles: officials.roles,
          channels: officials.channels,
          template: 'statement.published',
          purpose: 'statement.published.officials',
          data,
          incidentId,
          // The author was told by the statement's own workflow.
          exceptPersonIds: [authorId],
        };
      }
      const input: PublicFanOutInputV1 = {
        version: 1,
        event,
        plan,
        officials: notice,
        pacing: { smsPerSecond: config.SMS_SENDS_PER_SECOND, emailBatch: EMAIL_BATCH, emailBatchesAtOnce: EMAIL_BATCHES_AT_ONCE, pageSize: PAGE_SIZE },
      };
      try {
        await temporal().workflow.start('publicFanOutWorkflow', {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        // Started by an earlier attempt: the event is being (or was) told already.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      return { workflowId };
    },

    async listFanOutRecipients(page) {
      return db.$queryRaw<{ id: string; channel: ChannelName }[]>(recipientsPageQuery(page));
    },

    async sendPublicMessages({ workflowId, event, subscriptionIds }) {
      const plan = publicFanOutPlan(event);
      const rows = await db.subscription.findMany({ where: { id: { in: subscriptionIds } } });
      const result = { sent: 0, skipped: subscriptionIds.length - rows.length, undeliverable: 0 };
      // The event's words once per language, not once per subscriber.
      const dataByLanguage = new Map<string, Record<string, unknown>>();
      for (const language of new Set(rows.map((r) => r.language))) dataByLanguage.set(language, await publicMessageData(db, event, language));
      const outcomes = await subscribers.sendMany(
        rows.map((subscription) => ({
          subscription,
          message: {
            workflowId,
            purpose: plan.template,
            attemptGroup: plan.eventKey,
            template: plan.template,
            data: dataByLanguage.get(subscription.language)!,
            status: 'ACTIVE' as const,
          },
        })),
      );
      for (const outcome of outcomes) {
        if (outcome === 'SKIPPED') result.skipped += 1;
        else if (outcome === 'UNDELIVERABLE') result.undeliverable += 1;
        else result.sent += 1;
      }
      return result;
    },

    async sendSubscriptionNotice({ workflowId, subscriptionId, notice }) {
      const subscription = await db.subscription.findUnique({ where: { id: subscriptionId }, include: { topics: true } });
      if (!subscription) return { sent: false };
      const data: Record<string, unknown> = { topics: topicsInWords(subscription.language, subscription.topics) };
      if (notice === 'confirm') data.confirmUrl = subscriptionLinkUrls(config).subscriptionConfirm(subscription.id);
      const outcome = await subscribers.send(subscription, {
        workflowId,
        purpose: `subscription.${notice}`,
        attemptGroup: '1',
        template: `subscription.${notice}`,
        data,
        status: notice === 'confirm' ? 'PENDING' : 'ACTIVE',
      });
      return { sent: outcome !== 'SKIPPED' && outcome !== 'UNDELIVERABLE' };
    },

    async expireSubscription({ subscriptionId }) {
      return { deleted: await eraseSubscription(db, { id: subscriptionId, status: 'PENDING' }) };
    },
  };
}
