// The communications policy as the public and the pages see it (GET /api/policy):
// incident types, severities, deadlines, statement templates, the approval
// chain and who may do what. Roles only, never people.
import { currentPolicy, declarationChannels, holdCategoryName, localisePolicy, type Policy } from '../policy';
import { ROLES } from '../domain/roles';
import { DEFAULT_LANGUAGE, dateLocale, translator } from '../lib/i18n';
import { permissionsOf } from './policyView';

/** The public parts of the policy, in `language`'s words where the policy has them (role titles and hold categories from the catalogue). */
export function publicPolicyDocument(original: Policy = currentPolicy(), language: string = DEFAULT_LANGUAGE) {
  const policy = localisePolicy(original, language);
  const roleWords = translator(language, 'common');
  return {
    /** The language of the words below, and its locale for dates. */
    language,
    locale: dateLocale(language),
    version: policy.version,
    name: policy.name,
    timeZone: policy.timeZone,
    definition: {
      summary: policy.definition.summary,
      types: policy.definition.types.map((t) => ({ key: t.key, label: t.label, criteria: t.criteria, defaultSeverity: t.defaultSeverity })),
    },
    severities: policy.severities.map((s) => ({
      level: s.level,
      label: s.label,
      description: s.description,
      recipients: [...s.recipients],
      /** How each recipient role is told; every role not named here by email and SMS. */
      channels: Object.fromEntries(s.recipients.map((role) => [role, declarationChannels(s, role)])),
    })),
    publication: policy.publication ? { notify: [...policy.publication.notify], channels: [...policy.publication.channels] } : null,
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
          categories: policy.holds.categories.map((c) => ({ key: c.key, label: holdCategoryName(language, c.key, c.label) })),
          maxDuration: policy.holds.maxDuration,
          remindBefore: [...policy.holds.remindBefore],
          onRelease: { ...policy.holds.onRelease },
        }
      : null,
    withdrawal: policy.withdrawal ? { allowedRoles: [...policy.withdrawal.allowedRoles] } : null,
    /** Who may do what: the policy's access section with the statement and extension roles. */
    access: permissionsOf(policy),
    /** How pages name each role, so the browser never keeps its own copy. */
    roleTitles: Object.fromEntries(ROLES.map((role) => [role, roleWords(`roles.${role}`)])),
  };
}
