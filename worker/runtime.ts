// The SDK runtime of a worker process: its logs as JSON lines (the workflow
// and activity loggers put workflowId, runId and taskQueue in every entry's
// metadata, and the core's own logs are forwarded to the same logger), and
// the SDK's Prometheus metrics when WORKER_METRICS_ADDRESS is set (task
// latencies, schedule-to-start, slots in use, sticky cache, failures).
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Config } from '../lib/config';
import { createJsonLogger, type JsonLogLevel } from '../lib/jsonLog';

const SDK_TO_JSON_LEVEL: Record<LogLevel, JsonLogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function installWorkerRuntime(cfg: Pick<Config, 'LOG_LEVEL' | 'WORKER_METRICS_ADDRESS'>): void {
  const level = cfg.LOG_LEVEL.toUpperCase() as LogLevel;
  const write = createJsonLogger('worker', { level: cfg.LOG_LEVEL });
  const logger = new DefaultLogger(level, (entry: LogEntry) => write(SDK_TO_JSON_LEVEL[entry.level], entry.message, entry.meta));
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { forward: {}, filter: { core: level === 'DEBUG' ? 'DEBUG' : 'WARN', other: 'ERROR' } },
      ...(cfg.WORKER_METRICS_ADDRESS ? { metrics: { prometheus: { bindAddress: cfg.WORKER_METRICS_ADDRESS } } } : {}),
    },
  });
}
