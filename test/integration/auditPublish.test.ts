// The audit log's signed checkpoints are public: JSON, the Atom feed and the
// public page carry each one with its signature and the key that checks it,
// so anyone can keep copies and verify them without the database.
import { createPublicKey, verify } from 'node:crypto';
import { appendAudit, takeCheckpoint } from '../../lib/audit';
import { checkpointSigningKey, checkpointStatement } from '../../lib/auditCheckpoint';
import { startTestSystem, type TestSystem } from '../harness/app';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});

afterAll(async () => {
  await sys?.stop();
});

test('a checkpoint is published as JSON, in the Atom feed and on the public page, and its signature checks out with the published key alone', async () => {
  await appendAudit(sys.db, { actorLabel: 'test', action: 'test.event', entityType: 'Test', entityId: 't1' });
  const checkpoint = await takeCheckpoint(sys.db, checkpointSigningKey(sys.config.AUDIT_CHECKPOINT_KEY), new Date());

  const res = await fetch(`${sys.baseUrl}/api/public/audit/checkpoints`);
  expect(res.status).toBe(200);
  const published = await res.json();
  expect(published.checkpoints[0]).toEqual(checkpoint);
  const publicKey = createPublicKey({ key: Buffer.from(published.publicKey, 'base64'), format: 'der', type: 'spki' });
  expect(verify(null, Buffer.from(checkpointStatement(checkpoint!)), publicKey, Buffer.from(checkpoint!.signature, 'base64'))).toBe(true);

  const feed = await (await fetch(`${sys.baseUrl}/feeds/audit-checkpoints.atom`)).text();
  expect(feed).toContain(`Audit log checkpoint: ${checkpoint!.seq} events`);
  expect(feed).toContain(checkpoint!.signature);
  expect(feed).toContain(`head ${checkpoint!.headHash}`);

  const page = await fetch(`${sys.baseUrl}/audit`);
  expect(page.status).toBe(200);
  const body = await page.text();
  expect(body).toContain(checkpoint!.headHash);
  expect(body).toContain(published.publicKey);
});

test('the page and the feed are in Spanish for a Spanish reader, with none of the English words, and the page switches language', async () => {
  await appendAudit(sys.db, { actorLabel: 'test', action: 'test.event', entityType: 'Test', entityId: 't2' });
  const checkpoint = await takeCheckpoint(sys.db, checkpointSigningKey(sys.config.AUDIT_CHECKPOINT_KEY), new Date());
  const english = [
    'Audit log checkpoints',
    'Everything the system does',
    'Keep a copy',
    'your copy',
    'Each signature covers exactly',
    'Last event',
    'Its hash',
    '>Signed<',
    '>Signature<',
    'checkpoint feed',
  ];

  const page = await fetch(`${sys.baseUrl}/audit`, { headers: { 'Accept-Language': 'es-MX,es;q=0.9' } });
  const body = await page.text();
  expect(body).toContain('<html lang="es">');
  for (const words of ['<h1>Puntos de control del registro de auditoría</h1>', 'Guarde una copia', '&lt;su copia&gt;', 'Cada firma cubre exactamente', '>Último evento (n.º)<', '>Firma<']) {
    expect(body).toContain(words);
  }
  for (const words of english) expect(body).not.toContain(words);
  // Its feed in the same language, and the same page in English one link away.
  expect(body).toContain('href="/feeds/audit-checkpoints.atom?lang=es"');
  expect(body).toMatch(/<nav class="language-switcher"[^]*href="\/audit\?lang=en"/);
  expect(body).toContain(checkpoint!.headHash);

  const feed = await (await fetch(`${sys.baseUrl}/feeds/audit-checkpoints.atom?lang=es`)).text();
  expect(feed).toContain(`Punto de control del registro de auditoría: ${checkpoint!.seq} eventos`);
  expect(feed).toContain('Ciudad de Clayton: puntos de control del registro de auditoría');
  expect(feed).toContain('<name>Ciudad de Clayton</name>');
  for (const words of ['Audit log checkpoint', "The audit log's head", 'Keep these entries']) expect(feed).not.toContain(words);
  expect(feed).toContain(`head ${checkpoint!.headHash}`);
});
