// Forgetting a court-survey contact once nothing more will be sent to them
// (answered, opted out, expired): the name and address go, and so do the
// address and words (with the link) of the messages sent to them; the rows
// stay, emptied, so delivery counts still add up. Used by the API's answer
// and opt-out and by the workflow's expiry.
import type { Prisma, SurveyContactStatus } from '../generated/prisma/client';
import { courtSurveyWorkflowId } from '../domain/ids';

type Tx = Prisma.TransactionClient;

export const COURT_SURVEY_ERASED = '[erased: the survey invitation has closed]';

/** Statuses a contact may still be invited, reminded, answer or opt out from. */
export const OPEN_SURVEY_STATUSES: SurveyContactStatus[] = ['WAITING', 'INVITED', 'REMINDED'];

/**
 * Closes an open contact with `status` and erases its name, address and
 * messages, inside the caller's transaction. False when it was not open (it
 * answered, opted out or expired already), and nothing changed.
 */
export async function closeSurveyContact(tx: Tx, contactId: string, status: 'COMPLETED' | 'OPTED_OUT' | 'EXPIRED'): Promise<boolean> {
  const { count } = await tx.surveyContact.updateMany({
    where: { id: contactId, status: { in: OPEN_SURVEY_STATUSES } },
    data: { status, name: null, address: null },
  });
  if (count === 0) return false;
  await tx.notification.updateMany({
    where: { idempotencyKey: { startsWith: `${courtSurveyWorkflowId(contactId)}|` } },
    data: { toAddress: '', subject: null, body: COURT_SURVEY_ERASED, lastError: null },
  });
  return true;
}
