// The audit chain's signed checkpoints as the public sees them (the JSON
// endpoint, the Atom feed, the public page): each one with its signature, and
// the key to check it with, so anyone can keep copies and verify them later
// (npm run audit:verify -- --checkpoints <copy>).
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { checkpointStatement, checkpointVerifyingKey, keyIdOf, publishedPublicKey, storedCheckpoints, type SignedCheckpoint } from '../lib/auditCheckpoint';

/** A year of daily checkpoints and then some; older ones stay in the database and in residents' copies. */
const PUBLISHED_LIMIT = 400;

export interface PublishedCheckpoints {
  algorithm: 'Ed25519';
  keyId: string;
  /** The verifying key, base64 SPKI DER. */
  publicKey: string;
  /** What is signed, with the checkpoint's fields in the angle brackets. */
  statement: string;
  /** Newest first. */
  checkpoints: SignedCheckpoint[];
}

export async function publishedCheckpoints(db: Db, config: Pick<Config, 'AUDIT_CHECKPOINT_KEY' | 'AUDIT_CHECKPOINT_PUBLIC_KEY'>): Promise<PublishedCheckpoints> {
  const key = checkpointVerifyingKey(config);
  return {
    algorithm: 'Ed25519',
    keyId: keyIdOf(key),
    publicKey: publishedPublicKey(key),
    statement: checkpointStatement({ seq: '<seq>', headHash: '<headHash>', signedAt: '<signedAt>' }),
    checkpoints: (await storedCheckpoints(db)).reverse().slice(0, PUBLISHED_LIMIT),
  };
}
