// One JSON object per line on stdout, the shape every process of ours logs in:
// { time, level, component, msg, ...fields }. Fields carry the ids an operator
// searches by (workflowId, runId, requestId, incident number).
export type JsonLogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<JsonLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type JsonLogger = (level: JsonLogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** Errors keep their message and stack; bigints (nanosecond timestamps) become strings. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function createJsonLogger(
  component: string,
  options: { level?: JsonLogLevel; write?: (line: string) => void } = {},
): JsonLogger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  return (level, msg, fields = {}) => {
    if (LEVEL_ORDER[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...fields }, jsonSafe));
  };
}
