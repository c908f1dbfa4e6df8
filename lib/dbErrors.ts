// Which database errors a retry cannot fix. A value PostgreSQL refuses (a NUL
// byte, an invalid byte sequence, a number out of range, a missing required
// value) is refused again on every retry; an activity that retries it forever
// holds its workflow's lock for good. Connection losses, timeouts, lock
// conflicts and serialisation failures are not listed: those pass.

/** Prisma's codes for a value the database cannot take (JS engine with the pg adapter). */
const PERMANENT_PRISMA_CODES = new Set([
  'P2000', // value too long for the column
  'P2005', // stored value invalid for the field's type
  'P2006', // provided value invalid for the field
  'P2007', // data validation error
  'P2009', // query validation failed
  'P2011', // null constraint violation
  'P2012', // missing a required value
  'P2019', // input error
  'P2020', // value out of range for the type
  'P2023', // inconsistent column data
  'P2033', // a number does not fit in 64 bits
]);

/** SQLSTATE of a data exception (class 22), a NOT NULL violation or a CHECK violation. */
const isPermanentSqlState = (code: string): boolean => code.startsWith('22') || code === '23502' || code === '23514';

function sqlStateOf(err: { cause?: unknown; meta?: unknown }): string | null {
  const direct = (err.cause as { originalCode?: unknown } | undefined)?.originalCode;
  if (typeof direct === 'string') return direct;
  const wrapped = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause?.originalCode;
  return typeof wrapped === 'string' ? wrapped : null;
}

/** A short description when `err` is a database error that will fail the same way on every retry; otherwise null. */
export function permanentDatabaseFault(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; meta?: unknown };
  const message = typeof e.message === 'string' ? e.message.split('\n').filter(Boolean).pop()?.slice(0, 300) ?? '' : '';
  if (typeof e.code === 'string' && PERMANENT_PRISMA_CODES.has(e.code)) return `${e.code}: ${message}`;
  const sqlState = sqlStateOf(e);
  if (sqlState && isPermanentSqlState(sqlState) && (e.code === 'P2010' || e.name === 'DriverAdapterError')) {
    return `SQLSTATE ${sqlState}: ${message}`;
  }
  return null;
}
