// Reading and writing the saved histories under test/replay/histories.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJson } from '../unit/planHistoryJson';

export const HISTORY_DIR = path.join(__dirname, 'histories');

export interface SavedHistory {
  events: {
    eventType: string;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, unknown> };
  }[];
}

export const loadHistory = (file: string): SavedHistory => JSON.parse(fs.readFileSync(file, 'utf8'));

export async function saveHistory(file: string, handle: WorkflowHandle): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(historyToJson(await handle.fetchHistory()), null, 1)}\n`);
}

/** Patch ids recorded in a history (core_patch markers carry {"id": ...} as a JSON payload). */
export function patchesIn(history: SavedHistory): string[] {
  return history.events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const details = e.markerRecordedEventAttributes!.details as Record<string, { payloads: { data: string }[] }>;
      const data = Object.values(details)[0].payloads[0].data;
      return (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id;
    });
}

/**
 * Histories of updates delivered with the start (recorded by
 * test/integration/updatesDuringSetUp.test.ts with SAVE_SET_UP_HISTORY=1):
 * the handler waited for set-up behind UPDATES_WAIT_FOR_SET_UP_PATCH.
 */
export const UPDATE_WITH_START_HISTORIES = {
  statement: path.join(HISTORY_DIR, 'statement-decision-with-start.json'),
  incident: path.join(HISTORY_DIR, 'incident-statement-with-start.json'),
};
