// Sign-in housekeeping for the session sweep (workflows/sessionSweep.ts):
// expired sessions stop working at once (api/auth.ts checks expiresAt), and
// this removes their rows so a copy of the database holds no old session
// digests. Safe to run any number of times.
import type { Db } from '../lib/db';
import type { SessionActivities } from '../domain/contracts/sessionActivities';

/** Spent sign-in links are kept this long after they expire, for the audit's sake. */
const LINK_RETENTION_MS = 24 * 3600 * 1000;

export function createSessionActivities(deps: { db: Db }): SessionActivities {
  return {
    async sweepExpiredSessions() {
      const now = new Date();
      const [sessions, signInLinks, throttleRows] = await Promise.all([
        deps.db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
        deps.db.signInLink.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - LINK_RETENTION_MS) } } }),
        deps.db.loginThrottle.deleteMany({ where: { expire: { lte: now } } }),
      ]);
      return { sessions: sessions.count, signInLinks: signInLinks.count, throttleRows: throttleRows.count };
    },
  };
}
