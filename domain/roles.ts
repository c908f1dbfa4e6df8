// Mirrors enum Role in prisma/schema.prisma. Kept free of Prisma imports so
// workflow code (which must stay deterministic and Node-free) can use it.
export const ROLES = [
  'CITY_MANAGER',
  'POLICE_CHIEF',
  'PIO',
  'MAYOR',
  'ALDERMAN',
  'CITY_ATTORNEY',
  'STAKEHOLDER_LEAD',
  // Named by the city as statement drafters (the deputy PIO also approves in the PIO's place).
  'DEPUTY_CHIEF',
  'COMMUNICATIONS_OFFICER',
  'DEPUTY_PIO',
  // Records closed municipal-court cases whose parties are invited to the court-user survey (Goal 3).
  'COURT_CLERK',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = {
  CITY_MANAGER: 'City Manager',
  POLICE_CHIEF: 'Police Chief',
  PIO: 'Public Information Officer',
  MAYOR: 'Mayor',
  ALDERMAN: 'Alderman',
  CITY_ATTORNEY: 'City Attorney',
  STAKEHOLDER_LEAD: 'Stakeholder Lead',
  DEPUTY_CHIEF: 'Deputy Police Chief',
  COMMUNICATIONS_OFFICER: 'Department Communications Officer',
  DEPUTY_PIO: 'Deputy Public Information Officer',
  COURT_CLERK: 'Municipal Court Clerk',
};
