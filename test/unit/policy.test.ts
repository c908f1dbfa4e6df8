import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ACCESS_BEFORE_POLICIES_STATED_IT,
  DEFAULT_POLICY,
  POLICY_2026_1,
  POLICY_2026_2,
  POLICY_2026_3,
  POLICY_2026_4,
  PolicyError,
  declarationChannels,
  localiseDeadlineTitle,
  localisePolicy,
  approvalEscalationRoles,
  approvalSteps,
  chainFor,
  deciderRoles,
  draftersOf,
  currentPolicy,
  draftFromTemplate,
  durationMs,
  getPolicy,
  parsePolicy,
  policySchema,
  registerPolicy,
  severityPolicy,
  type Policy,
} from '../../policy';
import { initPolicy, loadPolicyFile } from '../../policy/load';

const clone = (policy: Policy = DEFAULT_POLICY): Policy => JSON.parse(JSON.stringify(policy));

function policyErrorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

describe('default policy clayton-2026.5', () => {
  it('validates against its own schema and is registered, with clayton-2026.1 to clayton-2026.4 still known', () => {
    expect(policySchema.safeParse(DEFAULT_POLICY).success).toBe(true);
    expect(DEFAULT_POLICY.version).toBe('clayton-2026.5');
    expect(getPolicy('clayton-2026.5')).toBe(DEFAULT_POLICY);
    expect(currentPolicy().version).toBe('clayton-2026.5');
    expect(getPolicy('clayton-2026.4')).toBe(POLICY_2026_4);
    expect(getPolicy('clayton-2026.3')).toBe(POLICY_2026_3);
    expect(getPolicy('clayton-2026.2')).toBe(POLICY_2026_2);
    expect(getPolicy('clayton-2026.1')).toBe(POLICY_2026_1);
  });

  it('defines the five incident types with criteria and default severities', () => {
    const types = Object.fromEntries(DEFAULT_POLICY.definition.types.map((t) => [t.key, t.defaultSeverity]));
    expect(types).toEqual({
      OFFICER_INVOLVED_SHOOTING: 1,
      USE_OF_FORCE_SERIOUS_INJURY: 1,
      DEATH_IN_CUSTODY: 1,
      PUBLIC_MEDIA_ATTENTION: 2,
      OTHER: 3,
    });
    for (const t of DEFAULT_POLICY.definition.types) expect(t.criteria.length).toBeGreaterThan(20);
  });

  it('tells all four parties of the plan of every incident: the Board of Aldermen (and the Mayor) at every severity', () => {
    const all = ['ALDERMAN', 'CITY_ATTORNEY', 'CITY_MANAGER', 'MAYOR', 'PIO', 'POLICE_CHIEF'];
    expect([...severityPolicy(DEFAULT_POLICY, 1).recipients].sort()).toEqual(all);
    expect([...severityPolicy(DEFAULT_POLICY, 2).recipients].sort()).toEqual(all);
    expect([...severityPolicy(DEFAULT_POLICY, 3).recipients].sort()).toEqual(['ALDERMAN', 'CITY_MANAGER', 'MAYOR', 'PIO', 'POLICE_CHIEF']);
    for (const level of [1, 2, 3]) {
      const severity = severityPolicy(DEFAULT_POLICY, level);
      for (const party of ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF'] as const) expect(severity.recipients).toContain(party);
      // At least by email, whatever the severity.
      expect(declarationChannels(severity, 'ALDERMAN')).toContain('EMAIL');
    }
    // The policy says which channels per severity: email and text at 1 and 2; the Mayor and Board by email at 3.
    expect(declarationChannels(severityPolicy(DEFAULT_POLICY, 2), 'ALDERMAN')).toEqual(['EMAIL', 'SMS']);
    expect(declarationChannels(severityPolicy(DEFAULT_POLICY, 3), 'ALDERMAN')).toEqual(['EMAIL']);
    expect(declarationChannels(severityPolicy(DEFAULT_POLICY, 3), 'MAYOR')).toEqual(['EMAIL']);
    expect(declarationChannels(severityPolicy(DEFAULT_POLICY, 3), 'PIO')).toEqual(['EMAIL', 'SMS']);
    // Older versions keep their lists: aldermen only at severity 1, every role on both channels.
    expect(severityPolicy(POLICY_2026_2, 2).recipients).not.toContain('ALDERMAN');
    expect(severityPolicy(POLICY_2026_2, 3).recipients).not.toContain('ALDERMAN');
    expect(declarationChannels(severityPolicy(POLICY_2026_2, 1), 'ALDERMAN')).toEqual(['EMAIL', 'SMS']);
  });

  it('tells the officials of the four parties by email when a statement is published; older versions tell nobody else', () => {
    expect(DEFAULT_POLICY.publication).toEqual({ notify: ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF'], channels: ['EMAIL'] });
    expect(POLICY_2026_2.publication).toBeUndefined();
    expect(POLICY_2026_1.publication).toBeUndefined();
  });

  it('carries its words and statement templates in Spanish, and only words change', () => {
    const es = localisePolicy(DEFAULT_POLICY, 'es');
    expect(es.definition.types.find((t) => t.key === 'DEATH_IN_CUSTODY')?.label).toBe('Muerte bajo custodia');
    expect(es.deadlines.map((d) => d.title)).toEqual([
      'Comunicado inicial',
      'Conferencia de prensa',
      'Actualización pública',
      'Conclusiones preliminares',
      'Informe final de la investigación',
      'Revisión posterior al incidente',
    ]);
    for (const kind of es.statementKinds) {
      const english = DEFAULT_POLICY.statementKinds.find((k) => k.key === kind.key)!;
      expect(kind.template).not.toEqual(english.template);
      // The same placeholders, so the Spanish draft is filled in as the English one.
      const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders(kind.template.title + kind.template.body)).toEqual(placeholders(english.template.title + english.template.body));
    }
    const draft = draftFromTemplate(es, 'HOLDING_STATEMENT', { incidentTitle: 'Disparo en Forsyth Blvd', incidentNumber: 'CI-2026-0001' });
    expect(draft?.title).toBe('Comunicado sobre Disparo en Forsyth Blvd');
    const { definition: _d, severities: _s, deadlines: _l, statementKinds: _k, name: _n, holds: esHolds, engagement: esEngagement, ...rules } = es;
    const { definition: _d0, severities: _s0, deadlines: _l0, statementKinds: _k0, name: _n0, holds: englishHolds, engagement: englishEngagement, ...englishRules } = DEFAULT_POLICY;
    expect(rules).toEqual(englishRules);
    // Engagement: only the group names and the cadence's words change.
    expect({ ...esEngagement!, cadence: '', groups: esEngagement!.groups.map((g) => g.key) }).toEqual({ ...englishEngagement!, cadence: '', groups: englishEngagement!.groups.map((g) => g.key) });
    // Holds: only the category names the public reads change, never the keys or the rules.
    const { categories: esCategories, ...esHoldRules } = esHolds!;
    const { categories: englishCategories, ...englishHoldRules } = englishHolds!;
    expect(esHoldRules).toEqual(englishHoldRules);
    expect(esCategories.map((c) => c.key)).toEqual(englishCategories.map((c) => c.key));
    expect(esCategories.find((c) => c.key === 'LITIGATION')?.label).toBe('Litigio');
    expect(es.deadlines.map((d) => d.dueAfter)).toEqual(DEFAULT_POLICY.deadlines.map((d) => d.dueAfter));
    // A recurring deadline keeps its cycle number; an unknown language or title stays as it was.
    expect(localiseDeadlineTitle(DEFAULT_POLICY, es, { kind: 'PUBLIC_UPDATE', title: 'Public update 3' })).toBe('Actualización pública 3');
    expect(localiseDeadlineTitle(DEFAULT_POLICY, es, { kind: 'PUBLIC_UPDATE', title: 'Something else' })).toBe('Something else');
    expect(localisePolicy(DEFAULT_POLICY, 'fr')).toBe(DEFAULT_POLICY);
    // An incident pinned to clayton-2026.2 reads the same keys' words from the current version.
    expect(localisePolicy(POLICY_2026_2, 'es', DEFAULT_POLICY).deadlines[0].title).toBe('Comunicado inicial');
  });

  it('refuses translations of things the policy does not have, and channels for roles it does not notify', () => {
    const bad = clone() as any;
    bad.translations.es.deadlines.no_such_deadline = { title: 'x' };
    bad.severities[2].channels.CITY_ATTORNEY = ['EMAIL'];
    bad.translations['not a language'] = {};
    const err = policyErrorOf(() => parsePolicy(bad));
    expect(err.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['translations.es.deadlines.no_such_deadline', 'severities.2.channels.CITY_ATTORNEY', 'translations.not a language']),
    );
  });

  it('encodes the acknowledgement windows and SOP timelines', () => {
    expect(durationMs(DEFAULT_POLICY.acknowledgement.backupAfter)).toBe(15 * 60_000);
    expect(durationMs(DEFAULT_POLICY.acknowledgement.reportSilentAfter)).toBe(30 * 60_000);
    const byKind = Object.fromEntries(DEFAULT_POLICY.deadlines.map((d) => [d.kind, d]));
    expect(byKind.HOLDING_STATEMENT.dueAfter).toEqual({ '1': '1h', '2': '4h', '3': '24h' });
    expect(byKind.PRESS_CONFERENCE.dueAfter).toEqual({ '1': '24h' });
    expect(byKind.PUBLIC_UPDATE.repeatEvery).toBe('7d');
    expect(byKind.PRELIMINARY_REPORT.dueAfter['1']).toBe('30d');
    expect(byKind.FINAL_REPORT.dueAfter['1']).toBe('90d');
    expect(byKind.AFTER_ACTION_REVIEW).toMatchObject({ anchor: 'CLOSED', dueAfter: { '1': '14d' } });
    expect(byKind.HOLDING_STATEMENT.escalation.map((s) => s.notify[0])).toEqual(['PIO', 'CITY_MANAGER', 'MAYOR']);
  });

  it('has the approval chain as the city described it: drafted by the department or communications staff, approved by the PIO', () => {
    expect(draftersOf(DEFAULT_POLICY.approval)).toEqual(['POLICE_CHIEF', 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO', 'PIO']);
    expect(chainFor(DEFAULT_POLICY.approval, { kind: 'HOLDING_STATEMENT', severity: 1 })).toEqual(['PIO', 'CITY_MANAGER']);
    for (const severity of [2, 3]) expect(chainFor(DEFAULT_POLICY.approval, { kind: 'HOLDING_STATEMENT', severity })).toEqual(['PIO']);
    expect(chainFor(DEFAULT_POLICY.approval, { kind: 'FINAL_REPORT', severity: 1 })).toEqual(['PIO', 'CITY_MANAGER']);
    // The chief drafts: the PIO approves (and the city manager signs off at severity 1).
    expect(approvalSteps(DEFAULT_POLICY.approval, { kind: 'HOLDING_STATEMENT', severity: 1, authorRoles: ['POLICE_CHIEF'] })).toEqual([
      { role: 'PIO', deciders: ['PIO'], standIn: false },
      { role: 'CITY_MANAGER', deciders: ['CITY_MANAGER'], standIn: false },
    ]);
    // The PIO drafts: the deputy PIO or the city manager approves in the PIO's place; at severity 1
    // only the deputy, because the city manager signs off after (one person, one step).
    expect(approvalSteps(DEFAULT_POLICY.approval, { kind: 'HOLDING_STATEMENT', severity: 3, authorRoles: ['PIO'] })).toEqual([
      { role: 'PIO', deciders: ['DEPUTY_PIO', 'CITY_MANAGER'], standIn: true },
    ]);
    expect(approvalSteps(DEFAULT_POLICY.approval, { kind: 'HOLDING_STATEMENT', severity: 1, authorRoles: ['PIO'] })[0]).toEqual({
      role: 'PIO',
      deciders: ['DEPUTY_PIO'],
      standIn: true,
    });
    expect(deciderRoles(DEFAULT_POLICY.approval).sort()).toEqual(['CITY_MANAGER', 'DEPUTY_PIO', 'PIO']);
    expect(approvalEscalationRoles(DEFAULT_POLICY.approval, 'PIO')).toEqual(['CITY_MANAGER']);
    expect(approvalEscalationRoles(DEFAULT_POLICY.approval, 'CITY_MANAGER')).toEqual(['MAYOR']);
    expect(approvalEscalationRoles(DEFAULT_POLICY.approval, 'POLICE_CHIEF')).toEqual(['CITY_MANAGER']);
    expect(DEFAULT_POLICY.actionPlan.reminders.map((r) => r.before)).toEqual(['14d', '3d', '1d']);
    expect(DEFAULT_POLICY.actionPlan.reminderTime).toBe('09:00');
    expect(DEFAULT_POLICY.actionPlan.overdueLadder).toEqual([
      { after: '0d', notify: 'OWNER' },
      { after: '3d', notify: 'SPONSOR' },
      { after: '7d', notify: 'CITY_MANAGER' },
      { after: '14d', notify: 'BOARD_DIGEST' },
    ]);
  });

  it('says who may declare, close, acknowledge for others, read incidents, the delivery log and plans, and manage plans', () => {
    const staff = ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY', 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO'];
    expect(DEFAULT_POLICY.access).toEqual({
      declare: ['CITY_MANAGER', 'POLICE_CHIEF'],
      close: ['CITY_MANAGER'],
      acknowledgeForOthers: ['CITY_MANAGER'],
      readDeliveryLog: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'],
      readIncidents: staff,
      managePlans: ['CITY_MANAGER'],
      readPlans: [...staff, 'STAKEHOLDER_LEAD'],
      manageMediaList: ['PIO', 'DEPUTY_PIO', 'COMMUNICATIONS_OFFICER', 'CITY_MANAGER'],
      readDrafts: ['CITY_MANAGER'],
      recordCourtContacts: ['COURT_CLERK', 'CITY_MANAGER'],
    });
    // Versions written before the media list keep it with the PIO and the City Manager.
    expect(POLICY_2026_2.access.manageMediaList).toEqual(['PIO', 'CITY_MANAGER']);
  });

  it('clayton-2026.2 differs from clayton-2026.1 only in who drafts, approves and reads', () => {
    const { approval: _a, access: _x, version: _v, ...rest } = POLICY_2026_2;
    const { approval: _a1, access: _x1, version: _v1, ...rest1 } = POLICY_2026_1;
    expect(rest).toEqual(rest1);
  });

  it('clayton-2026.4 differs from clayton-2026.3 only in who is told (severities, publication), who keeps the media list, and its translations', () => {
    const { severities: _s, publication: _p, translations: _t, version: _v, access, ...rest } = POLICY_2026_4;
    const { severities: _s2, publication: _p2, translations: _t2, version: _v2, access: access2, ...rest2 } = POLICY_2026_3;
    expect(rest).toEqual(rest2);
    expect({ ...access, manageMediaList: null }).toEqual({ ...access2, manageMediaList: null });
    expect(POLICY_2026_4.severities[0]).toEqual(POLICY_2026_3.severities[0]);
  });

  it('clayton-2026.3 differs from clayton-2026.2 only in counsel\'s holds, withdrawal and acknowledgement calls', () => {
    const { holds, withdrawal, version: _v, acknowledgement: { calls, ...ack }, ...rest } = POLICY_2026_3;
    const { version: _v2, acknowledgement: ack2, ...rest2 } = POLICY_2026_2;
    expect({ ...rest, acknowledgement: ack }).toEqual({ ...rest2, acknowledgement: ack2 });
    expect(POLICY_2026_2.holds).toBeUndefined();
    expect(POLICY_2026_2.withdrawal).toBeUndefined();
    expect(POLICY_2026_2.acknowledgement.calls).toBeUndefined();
    expect(calls).toEqual({ severities: [1], firstAfter: '5m', attempts: 3, retryAfter: '3m' });
    expect(holds).toMatchObject({
      placeBy: ['CITY_ATTORNEY'],
      releaseBy: ['CITY_ATTORNEY'],
      maxDuration: '14d',
      remindBefore: ['3d', '1d'],
      remind: ['CITY_ATTORNEY', 'CITY_MANAGER', 'MAYOR'],
      onRelease: { clock: 'RESUME', atLeast: '4h' },
    });
    expect(holds!.categories.map((c) => c.key)).toEqual(['PENDING_INVESTIGATION', 'PERSONNEL_MATTER', 'JUVENILE_INVOLVED', 'LITIGATION']);
    expect(withdrawal!.allowedRoles).toEqual(['PIO', 'CITY_MANAGER', 'CITY_ATTORNEY']);
  });

  it('refuses calls that would outlast the move to the backup, hold reminders outside the hold, and a category named twice', () => {
    const late = clone();
    late.acknowledgement.calls = { severities: [1], firstAfter: '5m', attempts: 4, retryAfter: '4m' };
    expect(policyErrorOf(() => parsePolicy(late)).issues.map((i) => i.path)).toEqual(['acknowledgement.calls']);
    const remind = clone();
    remind.holds!.remindBefore = ['3d', '14d'];
    expect(policyErrorOf(() => parsePolicy(remind)).issues.map((i) => i.path)).toEqual(['holds.remindBefore.1']);
    const twice = clone();
    twice.holds!.categories.push({ key: 'LITIGATION', label: 'Lawsuit' });
    expect(policyErrorOf(() => parsePolicy(twice)).issues.map((i) => i.path)).toEqual(['holds.categories.4.key']);
    const noCategories = clone();
    noCategories.holds!.categories = [];
    expect(() => parsePolicy(noCategories)).toThrow(/holds\.categories/);
  });

  it('gives each signed link a lifetime, defaulting to the ones the code used before (72h, 72h, 14d)', () => {
    expect(DEFAULT_POLICY.links).toEqual({ ack: '72h', review: '72h', progress: '14d' });
    const { links: _links, ...withoutLinks } = DEFAULT_POLICY;
    expect(parsePolicy({ ...withoutLinks, version: 'no-links' }).links).toEqual({ ack: '72h', review: '72h', progress: '14d' });
  });

  it('keeps the old rule for each permission a policy file leaves out', () => {
    const { access: _access, ...withoutAccess } = DEFAULT_POLICY;
    const partial = parsePolicy({ ...withoutAccess, version: 'partial-access', access: { managePlans: ['PIO'] } });
    expect(partial.access.managePlans).toEqual(['PIO']);
    expect(partial.access.readPlans).toContain('STAKEHOLDER_LEAD');
    expect(partial.access.declare).toEqual(['CITY_MANAGER', 'POLICE_CHIEF']);
  });

  it('fills statement templates and leaves missing placeholders visible', () => {
    const draft = draftFromTemplate(DEFAULT_POLICY, 'HOLDING_STATEMENT', { incidentTitle: 'Shooting on Forsyth Blvd', incidentNumber: 'CI-2026-0001' });
    expect(draft?.title).toBe('Statement on Shooting on Forsyth Blvd');
    expect(draft?.body).toContain('CI-2026-0001');
    expect(draft?.body).toContain('[nextUpdateDate]');
    expect(draftFromTemplate(DEFAULT_POLICY, 'NO_SUCH_KIND', {})).toBeUndefined();
  });
});

describe('clayton-2026.1 keeps its meaning', () => {
  it('still has the PIO as the only drafter and the city manager then the chief as approvers, for every severity and kind', () => {
    expect(POLICY_2026_1.approval).toMatchObject({ drafters: ['PIO'], chain: ['CITY_MANAGER', 'POLICE_CHIEF'], chainRules: [], standIns: [] });
    for (const severity of [1, 2, 3]) {
      expect(approvalSteps(POLICY_2026_1.approval, { kind: 'HOLDING_STATEMENT', severity, authorRoles: ['PIO'] })).toEqual([
        { role: 'CITY_MANAGER', deciders: ['CITY_MANAGER'], standIn: false },
        { role: 'POLICE_CHIEF', deciders: ['POLICE_CHIEF'], standIn: false },
      ]);
    }
    expect(POLICY_2026_1.access.readIncidents).toEqual(['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY']);
  });

  it('parses a file in the older shape (one drafter role) to the same registered policy', () => {
    const older = clone(POLICY_2026_1) as any;
    older.approval.drafter = 'PIO';
    delete older.approval.drafters;
    delete older.approval.chainRules;
    delete older.approval.standIns;
    expect(registerPolicy(parsePolicy(older))).toBe(POLICY_2026_1);
  });

  it('is read from a saved history in the shape it was recorded in', () => {
    // What a clayton-2026.1 incident's history holds: the document before drafter sets existed.
    const recorded = { drafter: 'PIO' as const, chain: ['CITY_MANAGER' as const, 'POLICE_CHIEF' as const] };
    expect(draftersOf(recorded)).toEqual(['PIO']);
    expect(approvalSteps(recorded, { kind: 'HOLDING_STATEMENT', authorRoles: ['PIO'] }).map((s) => s.role)).toEqual(['CITY_MANAGER', 'POLICE_CHIEF']);
    expect(deciderRoles(recorded)).toEqual(['CITY_MANAGER', 'POLICE_CHIEF']);
  });
});

describe('chains by kind and severity, and stand-ins', () => {
  it('takes the first rule that matches both the kind and the severity, else the default chain', () => {
    const custom = clone() as any;
    custom.version = 'chains-test';
    custom.approval.chainRules = [
      { kinds: ['FINAL_REPORT', 'PRELIMINARY_REPORT'], chain: ['PIO', 'CITY_ATTORNEY', 'CITY_MANAGER'] },
      { severities: [1, 2], chain: ['PIO', 'CITY_MANAGER'] },
    ];
    const { approval } = parsePolicy(custom);
    expect(chainFor(approval, { kind: 'FINAL_REPORT', severity: 3 })).toEqual(['PIO', 'CITY_ATTORNEY', 'CITY_MANAGER']);
    expect(chainFor(approval, { kind: 'HOLDING_STATEMENT', severity: 2 })).toEqual(['PIO', 'CITY_MANAGER']);
    expect(chainFor(approval, { kind: 'HOLDING_STATEMENT', severity: 3 })).toEqual(['PIO']);
    // A statement started before severities were passed matches only rules that name none.
    expect(chainFor(approval, { kind: 'HOLDING_STATEMENT' })).toEqual(['PIO']);
    expect(chainFor(approval, { kind: 'FINAL_REPORT' })).toEqual(['PIO', 'CITY_ATTORNEY', 'CITY_MANAGER']);
  });

  it('keeps a step with its role when no stand-in is named, so another holder of the role decides', () => {
    const custom = clone() as any;
    custom.version = 'no-stand-in-test';
    custom.approval.drafters = ['POLICE_CHIEF', 'COMMUNICATIONS_OFFICER'];
    custom.approval.standIns = [];
    const { approval } = parsePolicy(custom);
    // A person who holds both the communications officer and the PIO role drafts: the step stays with the PIO
    // role, and the decision rules refuse them as its author.
    expect(approvalSteps(approval, { kind: 'HOLDING_STATEMENT', severity: 3, authorRoles: ['COMMUNICATIONS_OFFICER', 'PIO'] })).toEqual([
      { role: 'PIO', deciders: ['PIO'], standIn: false },
    ]);
  });
});

describe('invalid policies name the bad field', () => {
  it('rejects an unknown recipient role with its path', () => {
    const bad = clone() as any;
    bad.severities[1].recipients[0] = 'DOG_CATCHER';
    const err = policyErrorOf(() => parsePolicy(bad));
    expect(err.message).toMatch(/severities\.1\.recipients\.0: Invalid enum value/);
    expect(err.issues[0].path).toBe('severities.1.recipients.0');
  });

  it('rejects a malformed duration and a missing field', () => {
    const bad = clone() as any;
    bad.deadlines[0].escalation[1].after = 'soon';
    delete bad.approval.chain;
    const err = policyErrorOf(() => parsePolicy(bad));
    expect(err.message).toContain('deadlines.0.escalation.1.after: must be a duration');
    expect(err.message).toContain('approval.chain: Required');
  });

  it('rejects cross-field mistakes', () => {
    const bad = clone() as any;
    bad.deadlines[2].statementKind = 'PODCAST';
    bad.acknowledgement.reportSilentAfter = '10m';
    bad.approval.chain = ['CITY_MANAGER', 'CITY_MANAGER'];
    const err = policyErrorOf(() => parsePolicy(bad));
    expect(err.message).toContain('deadlines.2.statementKind: unknown statement kind "PODCAST"');
    expect(err.message).toContain('acknowledgement.reportSilentAfter: must be later than backupAfter');
    expect(err.message).toContain('approval.chain.1: role CITY_MANAGER appears twice');
  });

  it('rejects an approval section that is not clear about who drafts, approves and stands in', () => {
    const both = clone() as any;
    both.approval.drafter = 'PIO';
    expect(policyErrorOf(() => parsePolicy(both)).message).toContain('approval.drafter: give drafters (a set of roles) or the older drafter, not both');
    const neither = clone() as any;
    delete neither.approval.drafters;
    expect(policyErrorOf(() => parsePolicy(neither)).message).toContain('approval.drafters: Required');

    const bad = clone() as any;
    bad.approval.standIns = [{ for: 'PIO', roles: ['PIO'] }, { for: 'MAYOR', roles: ['ALDERMAN'] }];
    bad.approval.chainRules = [{ kinds: ['PODCAST'], chain: ['PIO', 'CITY_MANAGER'] }, { severities: [1], chain: ['CITY_MANAGER', 'POLICE_CHIEF'] }];
    const err = policyErrorOf(() => parsePolicy(bad));
    expect(err.message).toContain('approval.standIns.0.roles: PIO cannot stand in for itself');
    expect(err.message).toContain('approval.standIns.1.for: MAYOR approves in no chain');
    expect(err.message).toContain('approval.chainRules.0.kinds.0: unknown statement kind "PODCAST"');
    expect(err.message).toContain('approval.chainRules.1.chain.1: the POLICE_CHIEF drafts statements and approves them here');

    const noneOutside = clone() as any;
    noneOutside.approval.standIns = [{ for: 'PIO', roles: ['CITY_MANAGER'] }];
    expect(policyErrorOf(() => parsePolicy(noneOutside)).message).toContain(
      'approval.chainRules.0.chain.0: every stand-in for PIO also has a step in this chain',
    );

    const unnamed = clone() as any;
    unnamed.approval.standIns = [];
    expect(policyErrorOf(() => parsePolicy(unnamed)).message).toContain('approval.chain.0: the PIO drafts statements and approves them here');
  });

  it('rejects an unknown role in access with its path', () => {
    const bad = clone() as any;
    bad.access.close = ['DOG_CATCHER'];
    expect(policyErrorOf(() => parsePolicy(bad)).issues[0].path).toBe('access.close.0');
  });

  it('refuses an unknown version and a changed policy under a known version', () => {
    expect(() => getPolicy('clayton-1999.9')).toThrow(PolicyError);
    const changed = clone();
    changed.acknowledgement.backupAfter = '20m';
    expect(() => registerPolicy(parsePolicy(changed))).toThrow(/already registered with different content/);
  });
});

describe('POLICY_FILE', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-policy-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a valid override, registers it and makes it current', () => {
    const custom = clone();
    custom.version = 'clayton-2026.2-test';
    custom.acknowledgement.backupAfter = '10m';
    // The calls must end before the backup is called: two calls, 3 minutes apart, from minute 5.
    custom.acknowledgement.calls = { severities: [1], firstAfter: '5m', attempts: 2, retryAfter: '3m' };
    const file = path.join(dir, 'ok.json');
    fs.writeFileSync(file, JSON.stringify(custom));
    const loaded = initPolicy({ POLICY_FILE: file });
    expect(loaded.version).toBe('clayton-2026.2-test');
    expect(currentPolicy().acknowledgement.backupAfter).toBe('10m');
    expect(getPolicy('clayton-2026.2-test')).toBe(loaded);
    // Incidents pinned to the default keep it.
    expect(getPolicy('clayton-2026.1').acknowledgement.backupAfter).toBe('15m');
  });

  it('reads a file written before policies stated access with the access the code had then', () => {
    const older = clone(POLICY_2026_1) as any;
    delete older.access;
    const file = path.join(dir, 'before-access.json');
    fs.writeFileSync(file, JSON.stringify(older));
    const loaded = loadPolicyFile(file);
    // readDrafts came later, as a need-to-know fix: such a file gets the city manager (with the drafter and approvers).
    // The court-user survey came later still: nobody records court contacts under such a file.
    expect(loaded.access).toEqual({ ...ACCESS_BEFORE_POLICIES_STATED_IT, readDrafts: ['CITY_MANAGER'], recordCourtContacts: [] });
    // So a clayton-2026.1 file of that time is still the same policy and registers under its version.
    expect(registerPolicy(loaded)).toBe(POLICY_2026_1);
  });

  it('stops start-up on an invalid file, naming the file and the field', () => {
    const bad = clone() as any;
    bad.severities[0].recipients = [];
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(bad));
    expect(() => loadPolicyFile(file)).toThrow(/bad\.json: severities\.0\.recipients: Array must contain at least 1/);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ nope');
    expect(() => loadPolicyFile(path.join(dir, 'broken.json'))).toThrow(/not valid JSON/);
    expect(() => loadPolicyFile(path.join(dir, 'missing.json'))).toThrow(PolicyError);
  });
});
