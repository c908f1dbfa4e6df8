// One public event told to everyone who should hear of it: the officials the
// policy names (a published statement), the newsrooms on the media list, and
// every resident subscribed to a matching topic, each in their language
// (domain/contracts/publicFanOut.ts). Residents are read a page at a time in
// id order, each channel on its own: emails go in batches, a few senders each
// taking the next batch as it finishes one; texts in batches of a few seconds'
// worth at the sender's rate. Every message is sent once per subscriber (its
// notification key), so a retried batch or a repeated event sends nothing
// twice. Long lists continue as new, carrying where each channel got to.
import type { WorkflowSignatures } from '../domain/workflows';
import { continueAsNew, log, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { FAN_OUT_CHANNELS_APART_PATCH, FAN_OUT_TEXTS_AT_SENDER_RATE_PATCH } from '../domain/patches';
import type { ChannelName } from '../domain/contracts/notificationActivities';
import type { ChannelProgressV1, FanOutProgressV1, PublicFanOutInputV1 } from '../domain/contracts/publicFanOut';
import { incidentActivities } from './lib/incidentActivities';
import { notificationActivities } from './lib/notificationActivities';
import { notifyPerson } from './lib/notify';
import { publicActivities } from './lib/publicActivities';

/** Pages per run before continuing as new: keeps each run's history far below Temporal's limits. */
const PAGES_PER_RUN = 4;
/** The same, with residents read by channel (both channels' pages count): a few hundred events a run. */
const CHANNEL_PAGES_PER_RUN = 20;
/** Text batches a page of texts holds: a page is a few batches, so a run's end waits little for texts already read. */
const TEXT_BATCHES_PER_PAGE = 2;
/**
 * Seconds of texts (at the sender's rate) per batch: short enough that every
 * text's wait for its send slot stays well inside the activity's bound.
 */
const TEXT_BATCH_SECONDS = 3;

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
};

export async function publicFanOutWorkflow(input: PublicFanOutInputV1): Promise<FanOutProgressV1> {
  const workflowId = workflowInfo().workflowId;
  const { event, plan, pacing, officials } = input;
  const progress: FanOutProgressV1 = input.progress ?? { officialsDone: false, mediaDone: false, cursor: null, sent: 0, skipped: 0, undeliverable: 0 };

  const sendBatch = async (subscriptionIds: string[]) => {
    const result = await publicActivities.sendPublicMessages({ workflowId, event, subscriptionIds });
    progress.sent += result.sent;
    progress.skipped += result.skipped;
    progress.undeliverable += result.undeliverable;
  };

  /**
   * Emails a few batches at a time. Texts: the worker's per-sender rate paces
   * every text (activities/notifications/sendRate.ts), so batches of a few
   * seconds' worth go two at a time and the sender is never idle between
   * them. Histories from before FAN_OUT_TEXTS_AT_SENDER_RATE_PATCH sent
   * `smsPerSecond` texts, then waited out the second, which left the sender
   * idle while each next batch was scheduled.
   */
  const sendPage = async (page: { id: string; channel: ChannelName }[]) => {
    const emails = chunks(page.filter((s) => s.channel === 'EMAIL').map((s) => s.id), pacing.emailBatch);
    const textIds = page.filter((s) => s.channel === 'SMS').map((s) => s.id);
    const sendEmails = async () => {
      for (const group of chunks(emails, pacing.emailBatchesAtOnce)) await Promise.all(group.map(sendBatch));
    };
    if (textIds.length > 0 && patched(FAN_OUT_TEXTS_AT_SENDER_RATE_PATCH)) {
      const batches = chunks(textIds, pacing.smsPerSecond * TEXT_BATCH_SECONDS);
      const sendTextsPaced = async () => {
        let next = 0;
        const lane = async () => {
          while (next < batches.length) await sendBatch(batches[next++]);
        };
        await Promise.all([lane(), lane()]);
      };
      await Promise.all([sendEmails(), sendTextsPaced()]);
      return;
    }
    const texts = chunks(textIds, pacing.smsPerSecond);
    const sendTexts = async () => {
      for (const [i, batch] of texts.entries()) {
        const started = Date.now();
        await sendBatch(batch);
        if (i < texts.length - 1) await sleep(Math.max(1, 1000 - (Date.now() - started)));
      }
    };
    await Promise.all([sendEmails(), sendTexts()]);
  };

  const tellOfficials = async () => {
    if (!officials || progress.officialsDone) return;
    const people = (await incidentActivities.listPeopleByRoles({ roles: officials.roles })).filter((p) => !officials.exceptPersonIds.includes(p.personId));
    await Promise.all(
      people.map(async (person) => {
        try {
          await notifyPerson(notificationActivities, {
            workflowId,
            purpose: officials.purpose,
            personId: person.personId,
            channels: officials.channels,
            attemptGroup: plan.eventKey,
            template: officials.template,
            data: officials.data,
            ...(officials.incidentId ? { incidentId: officials.incidentId } : {}),
          });
        } catch (err) {
          log.error('an official could not be told', { personId: person.personId, error: String(err) });
        }
      }),
    );
    progress.officialsDone = true;
  };

  const tellMedia = async () => {
    if (!plan.media || progress.mediaDone) return;
    // The media list is short: read it whole.
    for (let cursor: string | null = null; ; ) {
      const page: { id: string; channel: ChannelName }[] = await publicActivities.listFanOutRecipients({ plan, audience: 'MEDIA', cursor, limit: pacing.pageSize });
      if (page.length === 0) break;
      await sendPage(page);
      cursor = page[page.length - 1].id;
      if (page.length < pacing.pageSize) break;
    }
    progress.mediaDone = true;
  };

  if (patched(FAN_OUT_CHANNELS_APART_PATCH)) {
    // A run continued from one that read all channels at once starts each channel at its cursor.
    const channels = (progress.channels ??= { EMAIL: { cursor: progress.cursor, done: false }, SMS: { cursor: progress.cursor, done: false } });
    let pages = 0;
    const runIsFull = () => pages >= CHANNEL_PAGES_PER_RUN || workflowInfo().continueAsNewSuggested;
    const textBatch = pacing.smsPerSecond * TEXT_BATCH_SECONDS;
    const tellResidents = () =>
      Promise.all([
        tellChannel('EMAIL', channels.EMAIL, { pageSize: pacing.pageSize, batchSize: pacing.emailBatch, senders: pacing.emailBatchesAtOnce }),
        tellChannel('SMS', channels.SMS, { pageSize: Math.min(pacing.pageSize, textBatch * TEXT_BATCHES_PER_PAGE), batchSize: textBatch, senders: 2 }),
      ]);
    // The officials' few messages go beside the public's, not before them.
    await Promise.all([tellOfficials(), tellMedia().then(tellResidents)]);
    if (!channels.EMAIL.done || !channels.SMS.done) await continueAsNew<typeof publicFanOutWorkflow>({ ...input, progress });
    log.info('public fan-out done', { eventKey: plan.eventKey, ...progress });
    return progress;

    /**
     * One channel's residents: `senders` loops each send the next batch as
     * soon as their last one is done; the next page is read while the last
     * batches of this one go. Once the run is full no page is read, the
     * batches already read are sent, and the channel stops at its cursor.
     */
    async function tellChannel(channel: 'EMAIL' | 'SMS', state: ChannelProgressV1, shape: { pageSize: number; batchSize: number; senders: number }) {
      const queued: string[][] = [];
      let reading: Promise<void> | null = null;
      const readPage = async () => {
        const page = await publicActivities.listFanOutRecipients({ plan, audience: 'RESIDENT', cursor: state.cursor, limit: shape.pageSize, channel });
        pages += 1;
        if (page.length > 0) {
          state.cursor = page[page.length - 1].id;
          queued.push(...chunks(page.map((s) => s.id), shape.batchSize));
        }
        if (page.length < shape.pageSize) state.done = true;
      };
      const mayRead = () => !state.done && !runIsFull();
      const readAhead = () => {
        reading ??= readPage().finally(() => {
          reading = null;
        });
        return reading;
      };
      const nextBatch = async (): Promise<string[] | undefined> => {
        while (queued.length === 0) {
          if (reading) await reading;
          else if (mayRead()) await readAhead();
          else return undefined;
        }
        const batch = queued.shift();
        // A failed read reaches the sender that next waits for it; this one only starts it.
        if (queued.length < shape.senders && mayRead()) readAhead().catch(() => undefined);
        return batch;
      };
      const sender = async () => {
        for (let batch = await nextBatch(); batch; batch = await nextBatch()) await sendBatch(batch);
      };
      await Promise.all(Array.from({ length: Math.max(1, shape.senders) }, sender));
    }
  }

  await tellOfficials();
  await tellMedia();

  for (let pages = 0; ; ) {
    const page = await publicActivities.listFanOutRecipients({ plan, audience: 'RESIDENT', cursor: progress.cursor, limit: pacing.pageSize });
    if (page.length === 0) break;
    await sendPage(page);
    progress.cursor = page[page.length - 1].id;
    pages += 1;
    if (page.length < pacing.pageSize) break;
    if (pages >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof publicFanOutWorkflow>({ ...input, progress });
    }
  }
  log.info('public fan-out done', { eventKey: plan.eventKey, ...progress });
  return progress;
}

// The signature activities start this workflow with (domain/workflows.ts).
publicFanOutWorkflow satisfies WorkflowSignatures['publicFanOutWorkflow'];
