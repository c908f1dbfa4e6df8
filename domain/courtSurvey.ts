// The court-user survey's figures (Goal 3), pure: which quarter an invitation
// counts in, how an answer sheet is checked against the policy's questions,
// and a quarter's public summary. The indices follow CourTools Measure 1:
// each respondent's ratings on a section's statements (1 strongly disagree to
// 5 strongly agree; "not applicable" and blanks left out) are averaged, the
// respondents' averages are averaged, and the result is multiplied by 20, so
// an index runs from 20 (everyone strongly disagreed with everything) to 100
// (everyone strongly agreed). A quarter with fewer responses than the
// policy's minimum publishes its counts of invitations and responses only.
import type { CourtSurveyPolicy, CourtSurveySection, Policy } from './policy/schema';
import { policyTranslation } from './policy/translations';
import { localDateOf } from './time/cityTime';

/** An answer to one statement: a point of the agree scale, or not applicable. */
export type CourtSurveyAnswer = 1 | 2 | 3 | 4 | 5 | 'NA';
export const COURT_SURVEY_ANSWERS: readonly CourtSurveyAnswer[] = [1, 2, 3, 4, 5, 'NA'];
export type CourtSurveyAnswers = Record<string, CourtSurveyAnswer>;

export const QUARTER_PATTERN = /^\d{4}-Q[1-4]$/;

/** "2026-Q4": the calendar quarter an instant falls in, in the city's time zone. */
export function quarterOf(instant: Date | number, timeZone: string): string {
  const { year, month } = localDateOf(instant, timeZone);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The quarter before "2026-Q1" is "2025-Q4". */
export function previousQuarter(quarter: string): string {
  const [year, q] = quarter.split('-Q').map(Number);
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

/** The problems of an answer sheet, by question key; empty when every answer names a question and a point of the scale. */
export function answerProblems(answers: Record<string, unknown>, questions: readonly { key: string }[]): { field: string; message: string }[] {
  const known = new Set(questions.map((q) => q.key));
  const problems: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(answers)) {
    if (!known.has(key)) problems.push({ field: `answers.${key}`, message: 'not a question of this survey' });
    else if (!COURT_SURVEY_ANSWERS.includes(value as CourtSurveyAnswer)) problems.push({ field: `answers.${key}`, message: 'must be 1 to 5, or NA' });
  }
  if (problems.length === 0 && Object.keys(answers).length === 0) problems.push({ field: 'answers', message: 'answer at least one question' });
  return problems;
}

export interface QuestionDistributionV1 {
  key: string;
  section: CourtSurveySection;
  /** How many chose each point ("1".."5") or not applicable ("NA"); blanks are not counted. */
  counts: Record<'1' | '2' | '3' | '4' | '5' | 'NA', number>;
  /** Mean rating of those who rated it (1..5), one decimal; null when nobody did. */
  mean: number | null;
}

export interface CourtSurveyQuarterSummaryV1 {
  quarter: string;
  invitations: number;
  responses: number;
  /** Responses per invitation, as a percentage with one decimal; null before any invitation. */
  responseRate: number | null;
  minimumResponses: number;
  /** Fewer responses than the minimum: no indices, no distributions. */
  suppressed: boolean;
  /** The responses the figures below are computed from (null when suppressed). */
  n: number | null;
  accessIndex: number | null;
  fairnessIndex: number | null;
  policeIndex: number | null;
  questions: QuestionDistributionV1[] | null;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const isRating = (a: unknown): a is 1 | 2 | 3 | 4 | 5 => typeof a === 'number' && a >= 1 && a <= 5;

/** A section's index (20..100, one decimal) over the respondents who rated at least one of its statements; null when none did. */
export function sectionIndex(responses: readonly CourtSurveyAnswers[], keys: readonly string[]): number | null {
  const perRespondent = responses.map((answers) => mean(keys.map((k) => answers[k]).filter(isRating))).filter((m): m is number => m !== null);
  const overall = mean(perRespondent);
  return overall === null ? null : oneDecimal(overall * 20);
}

export function summariseQuarter(input: {
  quarter: string;
  invitations: number;
  responses: readonly CourtSurveyAnswers[];
  survey: Pick<CourtSurveyPolicy, 'questions' | 'minimumResponses'>;
}): CourtSurveyQuarterSummaryV1 {
  const { quarter, invitations, responses, survey } = input;
  const count = responses.length;
  const base = {
    quarter,
    invitations,
    responses: count,
    responseRate: invitations > 0 ? oneDecimal((100 * count) / invitations) : null,
    minimumResponses: survey.minimumResponses,
  };
  if (count < survey.minimumResponses) {
    return { ...base, suppressed: true, n: null, accessIndex: null, fairnessIndex: null, policeIndex: null, questions: null };
  }
  const keysOf = (section: CourtSurveySection) => survey.questions.filter((q) => q.section === section).map((q) => q.key);
  return {
    ...base,
    suppressed: false,
    n: count,
    accessIndex: sectionIndex(responses, keysOf('ACCESS')),
    fairnessIndex: sectionIndex(responses, keysOf('FAIRNESS')),
    policeIndex: sectionIndex(responses, keysOf('POLICE')),
    questions: survey.questions.map((q) => {
      const counts: QuestionDistributionV1['counts'] = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, NA: 0 };
      for (const answers of responses) {
        const answer = answers[q.key];
        if (answer !== undefined) counts[String(answer) as keyof typeof counts] += 1;
      }
      const rated = responses.map((a) => a[q.key]).filter(isRating);
      const m = mean(rated);
      return { key: q.key, section: q.section, counts, mean: m === null ? null : oneDecimal(m) };
    }),
  };
}

export interface LocalisedCourtSurvey {
  scale: readonly string[];
  notApplicable: string;
  questions: { key: string; section: CourtSurveySection; text: string }[];
}

/** The survey's words in `language`: the policy's translation where it has one, its own words elsewhere. */
export function localiseCourtSurvey(policy: Pick<Policy, 'translations'>, survey: CourtSurveyPolicy, language: string): LocalisedCourtSurvey {
  const words = policyTranslation(policy, language)?.courtSurvey;
  return {
    scale: words?.scale ?? survey.scale,
    notApplicable: words?.notApplicable ?? survey.notApplicable,
    questions: survey.questions.map((q) => ({ key: q.key, section: q.section, text: words?.questions?.[q.key] ?? q.text })),
  };
}
