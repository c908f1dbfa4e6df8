// Lookups over a validated policy, and the statement templates' placeholders.
// Pure: used inside workflows and by the API alike.
import type { Role } from '../roles';
import type { ChannelName } from '../contracts/notificationActivities';
import { PolicyError, type ApprovalPolicy, type DeadlinePolicy, type IncidentTypePolicy, type Policy, type PolicyDuration, type SeverityPolicy, type StatementKindPolicy } from './schema';


export function severityPolicy(policy: Policy, level: number): SeverityPolicy {
  const s = policy.severities.find((x) => x.level === level);
  if (!s) throw new PolicyError(`severities: no severity level ${level} in policy ${policy.version}`);
  return s;
}

export function incidentTypePolicy(policy: Policy, key: string): IncidentTypePolicy | undefined {
  return policy.definition.types.find((t) => t.key === key);
}

export function statementKindPolicy(policy: Policy, key: string): StatementKindPolicy | undefined {
  return policy.statementKinds.find((k) => k.key === key);
}

/** The due offset for a severity, or undefined when the deadline does not apply at that severity. */
export function dueAfterFor(deadline: DeadlinePolicy, severity: number): PolicyDuration | undefined {
  return deadline.dueAfter[String(severity) as '1' | '2' | '3'];
}

/** Roles to alert when `awaiting` sits on a statement past the escalation time. */
export function approvalEscalationRoles(approval: ApprovalPolicy, awaiting: Role): Role[] {
  return approval.escalateTo.find((e) => e.awaiting === awaiting)?.notify ?? approval.escalateToOtherwise;
}

// ------------------------------------------------------------------ statement templates

/** Placeholders a statement template may use; anything else is left as written. */
export const STATEMENT_PLACEHOLDERS = [
  'incidentNumber',
  'incidentTitle',
  'incidentSummary',
  'declaredDate',
  'nextUpdateDate',
  'finalReportDate',
] as const;
export type StatementPlaceholder = (typeof STATEMENT_PLACEHOLDERS)[number];

/**
 * Fills {{placeholder}}s. A placeholder without a value stays visible as
 * [placeholder] so the PIO sees what still needs writing.
 */
export function fillTemplate(text: string, values: Partial<Record<StatementPlaceholder, string>>): string {
  return text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    return value !== undefined && value !== '' ? value : `[${name}]`;
  });
}

export function draftFromTemplate(
  policy: Policy,
  kind: string,
  values: Partial<Record<StatementPlaceholder, string>>,
): { title: string; body: string } | undefined {
  const k = statementKindPolicy(policy, kind);
  if (!k) return undefined;
  return { title: fillTemplate(k.template.title, values), body: fillTemplate(k.template.body, values) };
}


// ------------------------------------------------------------------ channels

/** The channels a message goes on when the policy says nothing else: both. */
export const EVERY_CHANNEL: readonly PolicyChannel[] = ['EMAIL', 'SMS'];

/** The channels a policy names for telling people (calls are the acknowledgement ladder's, not a choice of channel). */
export type PolicyChannel = Extract<ChannelName, 'EMAIL' | 'SMS'>;

/** How a recipient holding `role` is told of a declaration at this severity (policy severities[].channels). */
export function declarationChannels(severity: SeverityPolicy, role: Role): PolicyChannel[] {
  return [...(severity.channels?.[role] ?? EVERY_CHANNEL)];
}
