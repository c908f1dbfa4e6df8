// What the topology tests do with incidents: declare one through the proxy,
// widen the roster so a declaration fans out to many messages, and count what
// the sinks received per recipient and channel.
import type { Db } from '../../../lib/db';
import type { TopologySystem } from './system';

export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fictional aldermen (sev-1 recipients) with valid numbers, so one declaration sends many messages. */
export async function addAldermen(db: Db, count: number): Promise<void> {
  await db.person.createMany({
    data: Array.from({ length: count }, (_, i) => {
      const n = String(i + 1).padStart(3, '0');
      return {
        name: `Topology Alderman ${n}`,
        title: `Alderman (topology fixture ${n})`,
        email: `topology.alderman.${n}@example.org`,
        phone: `+1314557${String(1000 + i).padStart(4, '0')}`,
        roles: ['ALDERMAN' as const],
        organisation: 'Board of Aldermen',
      };
    }),
  });
}

export async function declareSev1(sys: TopologySystem, title: string): Promise<{ id: string; number: string; declaredAt: Date }> {
  const res = await sys.request('/api/incidents', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title, summary: 'Fictional incident for a topology test' },
  });
  if (res.status !== 202) throw new Error(`declaring failed: ${res.status} ${await res.text()}`);
  const { number } = (await res.json()) as { number: string };
  const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });
  return { id: incident.id, number, declaredAt: incident.declaredAt };
}

/** How many emails and texts each address received, by notification row id where the sink saw it. */
export function sinkTally(sys: TopologySystem): {
  emailsTo: Map<string, number>;
  /** Distinct emails (by Message-ID) per recipient: a copy sent again after a kill carries the same Message-ID. */
  emailIdsTo: Map<string, Set<string>>;
  textsTo: Map<string, number>;
  notificationIds: Set<string>;
  total: number;
} {
  const emailsTo = new Map<string, number>();
  const emailIdsTo = new Map<string, Set<string>>();
  const textsTo = new Map<string, number>();
  const notificationIds = new Set<string>();
  const mails = sys.sinks.mail.messages();
  for (const mail of mails) {
    for (const to of mail.envelope.to) {
      emailsTo.set(to, (emailsTo.get(to) ?? 0) + 1);
      emailIdsTo.set(to, (emailIdsTo.get(to) ?? new Set<string>()).add(mail.messageId ?? `no-id-${mail.id}`));
    }
    const id = mail.headers['x-common-ground-notification'];
    if (id) notificationIds.add(id);
  }
  const texts = sys.sinks.sms.messages().filter((m) => m.direction === 'outbound-api');
  for (const text of texts) {
    textsTo.set(text.to, (textsTo.get(text.to) ?? 0) + 1);
    const id = text.statusCallback ? new URL(text.statusCallback).searchParams.get('n') : null;
    if (id) notificationIds.add(id);
  }
  return { emailsTo, emailIdsTo, textsTo, notificationIds, total: mails.length + texts.length };
}
