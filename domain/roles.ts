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
};
