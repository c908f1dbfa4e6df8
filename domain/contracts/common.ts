import type { Role } from '../roles';

/** Who did something. Carried in every human action so the audit trail names them. */
export interface ActorV1 {
  personId: string;
  name: string;
  roles: Role[];
}
