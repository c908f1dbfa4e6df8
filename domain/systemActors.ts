// Who the audit log names when no person acted: the parts of the system that
// write it on their own. Each label is stored with its entries as written, so
// a label never changes (entries already written keep it); pages name these
// actors in the reader's language by code (web: timeline.systemActors.<code>).
export const SYSTEM_ACTOR_CODES = ['INCIDENT_WORKFLOW', 'STATEMENT_WORKFLOW', 'NOTIFICATIONS', 'INBOUND_EMAIL'] as const;
export type SystemActor = (typeof SYSTEM_ACTOR_CODES)[number];

export const SYSTEM_ACTORS = {
  INCIDENT_WORKFLOW: 'system (incident workflow)',
  STATEMENT_WORKFLOW: 'system (statement workflow)',
  NOTIFICATIONS: 'system:notifications',
  INBOUND_EMAIL: 'system:inbound-email',
} as const satisfies Record<SystemActor, string>;

/** The system actor an audit entry names, or null when a person (or anything else) acted. */
export function systemActorOf(entry: { actorId: string | null; actorLabel: string }): SystemActor | null {
  if (entry.actorId !== null) return null;
  return SYSTEM_ACTOR_CODES.find((code) => SYSTEM_ACTORS[code] === entry.actorLabel) ?? null;
}
