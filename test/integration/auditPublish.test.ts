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
