// Goal 1's engagement sessions, the pure parts: the policy section (its data
// in clayton-2026.5, its Spanish words, the rules a file must keep) and the
// dashboard's figures (promised pro rata against held, participation by group).
import { DEFAULT_POLICY, PolicyError, localisePolicy, parsePolicy, type Policy } from '../../policy';
import { engagementFigures, type EngagementSessionFacts } from '../../domain/engagementFigures';
import { permissionsOf } from '../../services/policyView';

function policyErrorOf(data: unknown): PolicyError {
  try {
    parsePolicy(data);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

const withEngagement = (change: (engagement: NonNullable<Policy['engagement']>) => object, policy: Policy = DEFAULT_POLICY) => ({
  ...policy,
  engagement: change(structuredClone(policy.engagement!)),
});

describe('the engagement section of clayton-2026.5', () => {
  it('promises quarterly sessions, counts five stakeholder groups, reminds 7 days and 1 day before, and lets the lead and the city manager schedule', () => {
    const engagement = DEFAULT_POLICY.engagement!;
    expect(DEFAULT_POLICY.version).toBe('clayton-2026.5');
    expect(engagement.sessionsPromisedPerYear).toBe(4);
    expect(engagement.groups.map((g) => g.key)).toEqual(['RESIDENTS', 'BUSINESS_OWNERS', 'POLICE_OFFICERS', 'STUDENTS', 'CIVIC_AND_FAITH_LEADERS']);
    expect(engagement.remindBefore).toEqual(['7d', '1d']);
    expect(permissionsOf(DEFAULT_POLICY).scheduleSessions.sort()).toEqual(['CITY_MANAGER', 'STAKEHOLDER_LEAD']);
  });

  it('names every group in Spanish, and keeps English where a word is not translated', () => {
    const spanish = localisePolicy(DEFAULT_POLICY, 'es').engagement!;
    expect(spanish.groups.find((g) => g.key === 'BUSINESS_OWNERS')?.label).toBe('Dueños de negocios');
    expect(spanish.groups.every((g, i) => g.label !== DEFAULT_POLICY.engagement!.groups[i].label)).toBe(true);
    expect(spanish.cadence).toBe('trimestral');
    expect(localisePolicy(DEFAULT_POLICY, 'fr').engagement!.groups[0].label).toBe('Residents');
  });

  it('is optional: a policy without it parses, and nobody may schedule sessions under it', () => {
    const { engagement: _engagement, translations, ...without } = DEFAULT_POLICY;
    const { engagement: _spanish, ...spanish } = translations!.es;
    const parsed = parsePolicy({ ...without, translations: { es: spanish } });
    expect(parsed.engagement).toBeUndefined();
    expect(permissionsOf(parsed).scheduleSessions).toEqual([]);
  });

  it('refuses a group named twice, a reminder listed twice, an unknown role and a translation of an unknown group, naming the field', () => {
    expect(policyErrorOf(withEngagement((e) => ({ ...e, groups: [...e.groups, e.groups[0]] }))).issues.map((i) => i.path)).toContain('engagement.groups.5.key');
    expect(policyErrorOf(withEngagement((e) => ({ ...e, remindBefore: ['1d', '24h'] }))).issues.map((i) => i.path)).toContain('engagement.remindBefore.1');
    expect(policyErrorOf(withEngagement((e) => ({ ...e, scheduleBy: ['NOBODY'] }))).issues.map((i) => i.path)).toContain('engagement.scheduleBy.0');
    expect(policyErrorOf(withEngagement((e) => ({ ...e, sessionsPromisedPerYear: 0 }))).issues.map((i) => i.path)).toContain('engagement.sessionsPromisedPerYear');
    const translations = structuredClone(DEFAULT_POLICY.translations!);
    translations.es.engagement = { groups: { TEACHERS: { label: 'Maestros' } } };
    expect(policyErrorOf({ ...DEFAULT_POLICY, translations }).issues.map((i) => i.path)).toContain('translations.es.engagement.groups.TEACHERS');
  });
});

describe('the engagement dashboard figures', () => {
  const groups = DEFAULT_POLICY.engagement!.groups;
  const planStart = new Date('2027-01-01T06:00:00Z');
  const session = (id: string, startsAt: string, status: EngagementSessionFacts['status'], attendance: Record<string, number> = {}): EngagementSessionFacts => ({
    id,
    title: `Session ${id}`,
    startsAt,
    status,
    attendance,
  });
  const sessions = [
    session('b', '2027-05-10T23:00:00Z', 'HELD', { RESIDENTS: 30, POLICE_OFFICERS: 6, STUDENTS: 4 }),
    session('a', '2027-02-10T23:00:00Z', 'HELD', { RESIDENTS: 12, BUSINESS_OWNERS: 5, CIVIC_AND_FAITH_LEADERS: 2 }),
    session('c', '2027-08-10T23:00:00Z', 'SCHEDULED'),
    session('d', '2027-03-10T23:00:00Z', 'CANCELLED', { RESIDENTS: 99 }),
  ];
  const at = (now: string) => engagementFigures({ promisedPerYear: 4, planStart, planMonths: 12, now: new Date(now), groups, sessions });

  it('promises sessions pro rata to the day: none at the start, one after a quarter, four by the end (and no more after it)', () => {
    expect(at('2027-01-01T06:00:00Z').promisedToDate).toBe(0);
    expect(at('2027-03-31T06:00:00Z').promisedToDate).toBe(0);
    expect(at('2027-04-03T06:00:00Z').promisedToDate).toBe(1);
    expect(at('2027-12-31T06:00:00Z').promisedToDate).toBe(3);
    expect(at('2028-01-01T06:00:00Z').promisedToDate).toBe(4);
    expect(at('2029-06-01T06:00:00Z').promisedToDate).toBe(4);
    expect(at('2027-06-01T06:00:00Z').promisedForPlan).toBe(4);
    expect(engagementFigures({ promisedPerYear: 4, planStart, planMonths: 18, now: planStart, groups, sessions }).promisedForPlan).toBe(6);
  });

  it('counts held sessions only: totals per group in the policy order, and each held session oldest first', () => {
    const figures = at('2027-06-01T06:00:00Z');
    expect(figures).toMatchObject({ held: 2, scheduled: 1, cancelled: 1, totalAttendance: 59 });
    expect(figures.groups.map((g) => [g.key, g.total])).toEqual([
      ['RESIDENTS', 42],
      ['BUSINESS_OWNERS', 5],
      ['POLICE_OFFICERS', 6],
      ['STUDENTS', 4],
      ['CIVIC_AND_FAITH_LEADERS', 2],
    ]);
    expect(figures.sessions.map((s) => [s.id, s.total])).toEqual([
      ['a', 19],
      ['b', 40],
    ]);
    expect(figures.sessions[0].counts.POLICE_OFFICERS).toBe(0);
  });
});
