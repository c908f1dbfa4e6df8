-- The roles the city named for drafting statements (the deputy PIO also
-- approves in the PIO's place when the PIO drafted). Values are only added:
-- PostgreSQL cannot drop an enum value, and older rows never use these.
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'DEPUTY_CHIEF';
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'COMMUNICATIONS_OFFICER';
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'DEPUTY_PIO';
