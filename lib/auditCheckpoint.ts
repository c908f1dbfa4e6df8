// Signed checkpoints of the audit chain. The chain itself catches an edited or
// reordered event, but not a deleted tail: the events left still link up. A
// checkpoint states "the chain's event seq N has hash H", signed with an
// Ed25519 key the database does not hold (AUDIT_CHECKPOINT_KEY, given to the
// worker that signs), and is published so residents keep copies. Verify then
// checks that the chain still holds every checkpoint it is shown.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Db } from './db';

const STATEMENT_VERSION = 'common-ground-audit-checkpoint/1';

/** A checkpoint as stored, published and verified (seq as a decimal string: it is a bigint). */
export interface SignedCheckpoint {
  seq: string;
  headHash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

/** The exact bytes that are signed. */
export function checkpointStatement(c: Pick<SignedCheckpoint, 'seq' | 'headHash' | 'signedAt'>): string {
  return `${STATEMENT_VERSION}\nseq ${c.seq}\nhead ${c.headHash}\nsigned-at ${c.signedAt}\n`;
}

/**
 * The embedded mode's key, derived from a published seed: anyone can sign with
 * it, so it proves nothing. Production sets AUDIT_CHECKPOINT_KEY.
 */
function embeddedDevKey(): KeyObject {
  const seed = createHash('sha256').update('common-ground embedded-mode audit checkpoint key; proves nothing').digest();
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function parseKey(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----')
    ? kind === 'private'
      ? createPrivateKey(trimmed)
      : createPublicKey(trimmed)
    : kind === 'private'
      ? createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' })
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit checkpoint ${kind} key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/** AUDIT_CHECKPOINT_KEY (PEM, or base64 PKCS#8 DER); unset, the embedded mode's published dev key. */
export function checkpointSigningKey(configured: string | undefined): KeyObject {
  return configured ? parseKey(configured, 'private') : embeddedDevKey();
}

/** The key checkpoints are verified with: AUDIT_CHECKPOINT_PUBLIC_KEY, else the public half of the signing key. */
export function checkpointVerifyingKey(config: { AUDIT_CHECKPOINT_KEY?: string; AUDIT_CHECKPOINT_PUBLIC_KEY?: string }): KeyObject {
  if (config.AUDIT_CHECKPOINT_PUBLIC_KEY) return parseKey(config.AUDIT_CHECKPOINT_PUBLIC_KEY, 'public');
  return createPublicKey(checkpointSigningKey(config.AUDIT_CHECKPOINT_KEY));
}

export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

/** The verifying key as published next to the checkpoints (base64 SPKI DER). */
export function publishedPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

export function signCheckpoint(key: KeyObject, c: Pick<SignedCheckpoint, 'seq' | 'headHash' | 'signedAt'>): SignedCheckpoint {
  const signature = sign(null, Buffer.from(checkpointStatement(c)), key).toString('base64');
  return { seq: c.seq, headHash: c.headHash, signedAt: c.signedAt, keyId: keyIdOf(key), signature };
}

export function checkpointSignatureValid(key: KeyObject, c: SignedCheckpoint): boolean {
  try {
    return verify(null, Buffer.from(checkpointStatement(c)), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Every stored checkpoint, oldest first, as published. */
export async function storedCheckpoints(db: Db): Promise<SignedCheckpoint[]> {
  const rows = await db.auditCheckpoint.findMany({ orderBy: [{ seq: 'asc' }, { signedAt: 'asc' }] });
  return rows.map((r) => ({ seq: r.seq.toString(), headHash: r.headHash, signedAt: r.signedAt.toISOString(), keyId: r.keyId, signature: r.signature }));
}
