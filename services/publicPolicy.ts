// The communications policy as the public and the pages see it (GET /api/policy):
// incident types, severities, deadlines, statement templates, the approval
// chain and who may do what. Roles only, never people.
import { currentPolicy, type Policy } from '../policy';
import { ROLE_TITLES } from '../domain/roles';
import { permissionsOf } from './policyView';

export function publicPolicyDocument(policy: Policy = currentPolicy()) {
  return {
    version: policy.version,
    name: policy.name,
    timeZone: policy.timeZone,
    definition: {
      summary: policy.definition.summary,
      types: policy.definition.types.map((t) => ({ key: t.key, label: t.label, criteria: t.criteria, defaultSeverity: t.defaultSeverity })),
    },
    severities: policy.severities.map((s) => ({ level: s.level, label: s.label, description: s.description, recipients: [...s.recipients] })),
    acknowledgement: {
      backupAfter: policy.acknowledgement.backupAfter,
      reportSilentAfter: policy.acknowledgement.reportSilentAfter,
      ...(policy.acknowledgement.calls ? { calls: { ...policy.acknowledgement.calls, severities: [...policy.acknowledgement.calls.severities] } } : {}),
    },
    deadlines: policy.deadlines.map((d) => ({
      key: d.key,
      kind: d.kind,
      title: d.title,
      statementKind: d.statementKind,
      anchor: d.anchor,
      dueAfter: Object.fromEntries(Object.entries(d.dueAfter).filter(([, v]) => v !== undefined)) as Record<string, string>,
      ...(d.repeatEvery ? { repeatEvery: d.repeatEvery } : {}),
    })),
    statementKinds: policy.statementKinds.map((k) => ({ key: k.key, label: k.label, template: { title: k.template.title, body: k.template.body } })),
    approval: {
      drafters: [...policy.approval.drafters],
      chain: [...policy.approval.chain],
      chainRules: policy.approval.chainRules.map((rule) => ({
        ...(rule.kinds ? { kinds: [...rule.kinds] } : {}),
        ...(rule.severities ? { severities: [...rule.severities] } : {}),
        chain: [...rule.chain],
      })),
      standIns: policy.approval.standIns.map((standIn) => ({ for: standIn.for, roles: [...standIn.roles] })),
    },
    extension: { allowedRoles: [...policy.extension.allowedRoles] },
    /** Counsel's holds: who places and releases them, the public categories, how long at most, how clocks restart. */
    holds: policy.holds
      ? {
          placeBy: [...policy.holds.placeBy],
          releaseBy: [...policy.holds.releaseBy],
          categories: policy.holds.categories.map((c) => ({ key: c.key, label: c.label })),
          maxDuration: policy.holds.maxDuration,
          remindBefore: [...policy.holds.remindBefore],
          onRelease: { ...policy.holds.onRelease },
        }
      : null,
    withdrawal: policy.withdrawal ? { allowedRoles: [...policy.withdrawal.allowedRoles] } : null,
    /** Who may do what: the policy's access section with the statement and extension roles. */
    access: permissionsOf(policy),
    /** How pages name each role, so the browser never keeps its own copy. */
    roleTitles: { ...ROLE_TITLES },
  };
}
