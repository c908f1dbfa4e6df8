-- The Municipal Court Clerk records closed cases for the court-user survey (Goal 3).
ALTER TYPE "Role" ADD VALUE 'COURT_CLERK';
