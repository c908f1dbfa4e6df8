// The court-user survey's pure parts: the policy section of clayton-2026.5
// (timing, the agree scale, the questions with their Spanish, who records
// contacts), the quarter an invitation counts in, answer checking, and the
// quarterly summary: CourTools-style indices and suppression below the minimum.
import { DEFAULT_POLICY, POLICY_2026_4, parsePolicy, policySchema } from '../../policy';
import { permissionsOf } from '../../services/policyView';
import { answerProblems, localiseCourtSurvey, previousQuarter, quarterOf, sectionIndex, summariseQuarter, type CourtSurveyAnswers } from '../../domain/courtSurvey';

const survey = DEFAULT_POLICY.courtSurvey!;
const keysOf = (section: string) => survey.questions.filter((q) => q.section === section).map((q) => q.key);

describe('the courtSurvey section of clayton-2026.5', () => {
  it('asks CourTools Measure 1 access and fairness statements and the report’s police questions, each with its Spanish', () => {
    expect(keysOf('ACCESS').length).toBeGreaterThanOrEqual(5);
    expect(keysOf('FAIRNESS').length).toBeGreaterThanOrEqual(5);
    expect(keysOf('POLICE').length).toBeGreaterThanOrEqual(3);
    expect(survey.scale).toEqual(['Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree']);
    expect(survey.minimumResponses).toBe(5);
    // Invited 2 days after the case closed, reminded 5 days later, expiring 21 days after that (the ladder: courtSurveyWorkflow.test.ts).
    expect([survey.inviteAfter, survey.remindAfter, survey.expiresAfter]).toEqual(['2d', '5d', '21d']);
    const spanish = localiseCourtSurvey(DEFAULT_POLICY, survey, 'es');
    spanish.questions.forEach((q, i) => {
      expect(q.key).toBe(survey.questions[i].key);
      expect(q.text).not.toBe(survey.questions[i].text);
    });
    expect(spanish.scale[4]).toBe('Muy de acuerdo');
    expect(localiseCourtSurvey(DEFAULT_POLICY, survey, 'fr').questions[0].text).toBe(survey.questions[0].text);
  });

  it('lets the court clerk and the city manager record contacts, and gives the clerk nothing else', () => {
    const permissions = permissionsOf(DEFAULT_POLICY);
    expect(permissions.recordCourtContacts.sort()).toEqual(['CITY_MANAGER', 'COURT_CLERK']);
    const clerkHas = Object.entries(permissions).filter(([, roles]) => roles.includes('COURT_CLERK')).map(([p]) => p);
    expect(clerkHas).toEqual(['recordCourtContacts']);
    // Older versions had no survey, and nobody recorded contacts under them.
    expect(POLICY_2026_4.courtSurvey).toBeUndefined();
    expect(permissionsOf(POLICY_2026_4).recordCourtContacts).toEqual([]);
  });

  it('refuses a survey with a duplicate key, no fairness statement, or a translation of an unknown question', () => {
    const withSurvey = (courtSurvey: unknown, translations?: unknown) => policySchema.safeParse({ ...DEFAULT_POLICY, courtSurvey, ...(translations ? { translations } : {}) });
    const duplicate = withSurvey({ ...survey, questions: [...survey.questions, survey.questions[0]] });
    expect(duplicate.success).toBe(false);
    expect(JSON.stringify(duplicate.error?.issues)).toContain('duplicate key');
    const noFairness = withSurvey({ ...survey, questions: survey.questions.filter((q) => q.section !== 'FAIRNESS') });
    expect(JSON.stringify(noFairness.error?.issues)).toContain('FAIRNESS');
    const badScale = withSurvey({ ...survey, scale: ['Disagree', 'Agree'] });
    expect(badScale.success).toBe(false);
    const unknown = withSurvey(survey, { es: { courtSurvey: { questions: { NOT_A_QUESTION: 'x' } } } });
    expect(JSON.stringify(unknown.error?.issues)).toContain('unknown survey question');
    expect(() => parsePolicy({ ...DEFAULT_POLICY, courtSurvey: { ...survey, inviteAfter: 'two days' } })).toThrow(/courtSurvey\.inviteAfter/);
  });
});

describe('quarters', () => {
  it('counts by the city’s calendar: New Year’s Eve evening in Clayton is still Q4', () => {
    expect(quarterOf(new Date('2027-01-01T03:00:00Z'), 'America/Chicago')).toBe('2026-Q4');
    expect(quarterOf(new Date('2027-01-01T07:00:00Z'), 'America/Chicago')).toBe('2027-Q1');
    expect(quarterOf(new Date('2026-07-15T12:00:00Z'), 'America/Chicago')).toBe('2026-Q3');
    expect(previousQuarter('2027-Q1')).toBe('2026-Q4');
    expect(previousQuarter('2026-Q3')).toBe('2026-Q2');
  });
});

describe('answers', () => {
  it('names each answer that is not a question or not a point of the scale, and wants at least one', () => {
    expect(answerProblems({ FELT_SAFE: 5, HANDLED_FAIRLY: 'NA' }, survey.questions)).toEqual([]);
    expect(answerProblems({ FELT_SAFE: 6, NOPE: 1 }, survey.questions)).toEqual([
      { field: 'answers.FELT_SAFE', message: 'must be 1 to 5, or NA' },
      { field: 'answers.NOPE', message: 'not a question of this survey' },
    ]);
    expect(answerProblems({}, survey.questions)).toEqual([{ field: 'answers', message: 'answer at least one question' }]);
  });
});

describe('the quarterly summary', () => {
  const all = (value: 1 | 2 | 3 | 4 | 5 | 'NA'): CourtSurveyAnswers => Object.fromEntries(survey.questions.map((q) => [q.key, value]));

  it('an index is the mean over respondents of their mean rating in the section, times 20 (N/A and blanks left out)', () => {
    expect(sectionIndex([all(5), all(5)], keysOf('ACCESS'))).toBe(100);
    expect(sectionIndex([all(1)], keysOf('ACCESS'))).toBe(20);
    // One respondent rates access 4 and 2 (mean 3), the other 5 with the rest N/A (mean 5): (3 + 5) / 2 * 20 = 80.
    const [a, b] = keysOf('ACCESS');
    expect(sectionIndex([{ [a]: 4, [b]: 2 }, { ...all('NA'), [a]: 5 }], keysOf('ACCESS'))).toBe(80);
    // Someone who rated nothing in the section is not a respondent to it.
    expect(sectionIndex([all('NA')], keysOf('ACCESS'))).toBeNull();
  });

  it('suppresses indices and distributions below the minimum, keeping invitations, responses and the rate', () => {
    const four = summariseQuarter({ quarter: '2027-Q1', invitations: 10, responses: [all(5), all(4), all(4), all(3)], survey });
    expect(four).toEqual({
      quarter: '2027-Q1',
      invitations: 10,
      responses: 4,
      responseRate: 40,
      minimumResponses: 5,
      suppressed: true,
      n: null,
      accessIndex: null,
      fairnessIndex: null,
      policeIndex: null,
      questions: null,
    });
  });

  it('publishes n, the indices and each statement’s distribution from the minimum on', () => {
    const responses: CourtSurveyAnswers[] = [all(5), all(4), all(4), all(2), { ...all('NA'), FELT_SAFE: 1 }];
    const summary = summariseQuarter({ quarter: '2027-Q1', invitations: 8, responses, survey });
    expect(summary.suppressed).toBe(false);
    expect(summary.n).toBe(5);
    expect(summary.responseRate).toBe(62.5);
    // Access: (5 + 4 + 4 + 2 + 1) / 5 * 20 = 64; fairness: the last rated none, (5 + 4 + 4 + 2) / 4 * 20 = 75.
    expect(summary.accessIndex).toBe(64);
    expect(summary.fairnessIndex).toBe(75);
    expect(summary.policeIndex).toBe(75);
    const feltSafe = summary.questions!.find((q) => q.key === 'FELT_SAFE')!;
    expect(feltSafe.counts).toEqual({ 1: 1, 2: 1, 3: 0, 4: 2, 5: 1, NA: 0 });
    expect(feltSafe.mean).toBe(3.2);
    const fair = summary.questions!.find((q) => q.key === 'HANDLED_FAIRLY')!;
    expect(fair.counts).toEqual({ 1: 0, 2: 1, 3: 0, 4: 2, 5: 1, NA: 1 });
    expect(fair.mean).toBe(3.8);
  });

  it('has no response rate before any invitation', () => {
    expect(summariseQuarter({ quarter: '2027-Q2', invitations: 0, responses: [], survey }).responseRate).toBeNull();
  });
});
