// The court-user survey's quarterly figures from the stored rows: the live
// summary the public API shows for an open quarter and the one the quarterly
// Schedule publishes for a closed one are the same computation
// (domain/courtSurvey.ts), over invitations counted in the quarter they went
// out and the answers given to them.
import type { Db } from './db';
import type { CourtSurveyPolicy } from '../domain/policy/schema';
import { summariseQuarter, type CourtSurveyAnswers, type CourtSurveyQuarterSummaryV1 } from '../domain/courtSurvey';

export async function computeQuarterSummary(db: Db, quarter: string, survey: Pick<CourtSurveyPolicy, 'questions' | 'minimumResponses'>): Promise<CourtSurveyQuarterSummaryV1> {
  const [invitations, responses] = await Promise.all([
    db.surveyContact.count({ where: { quarter } }),
    db.surveyResponse.findMany({ where: { quarter }, select: { answers: true } }),
  ]);
  return summariseQuarter({ quarter, invitations, responses: responses.map((r) => r.answers as CourtSurveyAnswers), survey });
}

/** Every quarter with an invitation or a response, oldest first. */
export async function surveyQuarters(db: Db): Promise<string[]> {
  const [invited, answered] = await Promise.all([
    db.surveyContact.findMany({ where: { quarter: { not: null } }, distinct: ['quarter'], select: { quarter: true } }),
    db.surveyResponse.findMany({ distinct: ['quarter'], select: { quarter: true } }),
  ]);
  return [...new Set([...invited.map((c) => c.quarter as string), ...answered.map((r) => r.quarter)])].sort();
}
