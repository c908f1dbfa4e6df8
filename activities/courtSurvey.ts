// The court-user survey's side effects (domain/contracts/courtSurvey.ts):
// the invitation and its one reminder, sent through the same delivery core as
// every other message (a notification key per contact and step, recorded
// before the provider is called) in the contact's language; the expiry that
// erases an unanswered contact; and publishing each closed quarter's summary.
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../lib/config';
import { courtSurveyUrls } from '../lib/courtSurveyLinks';
import { OPEN_SURVEY_STATUSES, closeSurveyContact } from '../lib/courtSurveyData';
import { computeQuarterSummary, surveyQuarters } from '../lib/courtSurveyFigures';
import { quarterOf } from '../domain/courtSurvey';
import { notificationKey } from '../domain/ids';
import { FailureType } from '../domain/failures';
import type { CourtSurveyActivities } from '../domain/contracts/courtSurvey';
import { currentPolicy } from '../policy';
import { createMessageSender, type NotificationDeps } from './notifications';
import { renderMessage } from './notifications/templates';

export type CourtSurveyDeps = NotificationDeps & { config: NotificationDeps['config'] & Pick<Config, 'LINK_SIGNING_SECRET' | 'CITY_TIME_ZONE'> };

/** A contact's part of the notification key: never mistaken for a person's id. */
const contactKeyPart = (contactId: string) => `survey-contact:${contactId}`;

export function createCourtSurveyActivities(deps: CourtSurveyDeps): CourtSurveyActivities {
  const { db, config } = deps;
  const { sendPrepared } = createMessageSender(deps);

  return {
    async sendCourtSurveyMessage({ workflowId, contactId, step }) {
      const contact = await db.surveyContact.findUnique({ where: { id: contactId } });
      // The invitation goes to a waiting contact (or an invited one, on a retry); the reminder to an invited one.
      const expected = step === 'invitation' ? ['WAITING', 'INVITED'] : ['INVITED', 'REMINDED'];
      if (!contact?.address || !expected.includes(contact.status)) return { sent: false };
      const purpose = `court-survey.${step}`;
      const urls = courtSurveyUrls(config, contact.id);
      const rendered = renderMessage(
        purpose,
        { surveyUrl: urls.survey, optOutUrl: urls.optOut, ...(contact.name ? { recipient: { name: contact.name } } : {}) },
        contact.channel === 'SMS' ? 'SMS' : 'EMAIL',
        config,
        new Date(),
        { language: contact.language },
      );
      try {
        await sendPrepared({
          idempotencyKey: notificationKey({ workflowId, purpose, personId: contactKeyPart(contact.id), channel: contact.channel, attemptGroup: '1' }),
          channel: contact.channel,
          purpose,
          address: contact.address,
          unreachable: null,
          displayName: contact.name,
          rendered,
        });
      } catch (err) {
        if (!(err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient)) throw err;
        // Nobody can answer an invitation that cannot reach them: close it, and forget the address.
        await db.$transaction((tx) => closeSurveyContact(tx, contact.id, 'EXPIRED'));
        return { sent: false };
      }
      const now = new Date();
      await db.surveyContact.updateMany({
        where: { id: contact.id, status: { in: step === 'invitation' ? ['WAITING'] : ['INVITED'] } },
        data: step === 'invitation' ? { status: 'INVITED', invitedAt: now, quarter: quarterOf(now, config.CITY_TIME_ZONE) } : { status: 'REMINDED' },
      });
      const after = await db.surveyContact.findUnique({ where: { id: contact.id }, select: { status: true } });
      // Answered or opted out while this was sent: the message went, but the workflow should stop waiting.
      return { sent: !!after && OPEN_SURVEY_STATUSES.includes(after.status) };
    },

    async expireCourtSurveyInvitation({ contactId }) {
      return { expired: await db.$transaction((tx) => closeSurveyContact(tx, contactId, 'EXPIRED')) };
    },

    async publishCourtSurveyQuarters() {
      const survey = currentPolicy().courtSurvey;
      if (!survey) return { published: [] };
      const open = quarterOf(new Date(), config.CITY_TIME_ZONE);
      const published = new Set((await db.surveyQuarterSummary.findMany({ select: { quarter: true } })).map((s) => s.quarter));
      const due = (await surveyQuarters(db)).filter((quarter) => quarter < open && !published.has(quarter));
      const now: string[] = [];
      for (const quarter of due) {
        const summary = await computeQuarterSummary(db, quarter, survey);
        // A retried run finds the row its first attempt wrote.
        const { count } = await db.surveyQuarterSummary.createMany({ data: [{ quarter, summary: summary as object }], skipDuplicates: true });
        if (count > 0) now.push(quarter);
      }
      return { published: now };
    },
  };
}
