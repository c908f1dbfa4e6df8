-- Audit events are linked into the hash chain when their transaction commits,
-- not when they are written. A writer inserts its events with prevHash
-- 'pending' and hash 'pending:<token>', and puts each event's canonical text
-- (lib/audit.ts canonicalJson) in the transaction-local setting
-- cg.audit_<token>. At commit, under the chain's advisory lock, the trigger
-- below gives the event the next seq, the chain's head as prevHash, and
-- sha256(prevHash || canonical) as hash: the formula verify recomputes. The
-- lock is held only while the committing transaction links its own events,
-- however long that transaction ran (a 2,000-row CSV import), and seq order
-- stays chain order.
--
-- Dollar-quoted function bodies: lib/migrations.ts sends each file whole
-- (prisma migrate deploy would split them at every semicolon).
--
-- chainAtCommit: if NEW is pending, take the chain lock, read the head (a
-- statement after the lock sees everything committed before it), read the
-- canonical text, and update NEW with the next seq, prevHash and hash.
CREATE FUNCTION "audit_chain_at_commit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head TEXT;
  canonical TEXT;
BEGIN
  IF NEW."prevHash" <> 'pending' THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(720431911);
  SELECT "hash" INTO head FROM "AuditEvent" WHERE "prevHash" <> 'pending' ORDER BY "seq" DESC LIMIT 1;
  head := coalesce(head, repeat('0', 64));
  canonical := current_setting('cg.audit_' || substr(NEW."hash", 9), true);
  IF canonical IS NULL OR canonical = '' THEN
    RAISE EXCEPTION 'audit event % has no canonical text to chain (lib/audit.ts writes it)', NEW."seq";
  END IF;
  UPDATE "AuditEvent"
     SET "seq" = nextval(pg_get_serial_sequence('"AuditEvent"', 'seq')),
         "prevHash" = head,
         "hash" = encode(sha256(convert_to(head || canonical, 'UTF8')), 'hex')
   WHERE "seq" = NEW."seq";
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "AuditEvent_chain_at_commit" AFTER INSERT ON "AuditEvent"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "audit_chain_at_commit"();

-- appendOnly: audit events and their signed checkpoints are append-only. No
-- role may update, delete or truncate them through SQL, except the one update
-- that links a pending event into the chain at commit (nothing else about the
-- event may change in it). A table owner can still drop the triggers: the
-- signed checkpoints, kept outside the database, catch what that would hide.
CREATE FUNCTION "audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'AuditEvent' THEN
    IF OLD."prevHash" = 'pending' AND NEW."prevHash" <> 'pending'
       AND NEW."at" = OLD."at" AND NEW."action" = OLD."action" AND NEW."entityId" = OLD."entityId" AND NEW."data" = OLD."data"
       AND NEW."actorLabel" = OLD."actorLabel" AND NEW."entityType" = OLD."entityType"
       AND NEW."actorId" IS NOT DISTINCT FROM OLD."actorId" AND NEW."incidentId" IS NOT DISTINCT FROM OLD."incidentId"
       AND NEW."planId" IS NOT DISTINCT FROM OLD."planId" THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update_or_delete" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "headHash" TEXT NOT NULL,
    "signedAt" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditCheckpoint_seq_idx" ON "AuditCheckpoint"("seq");

CREATE TRIGGER "AuditCheckpoint_no_update_or_delete" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();
CREATE TRIGGER "AuditCheckpoint_no_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();
