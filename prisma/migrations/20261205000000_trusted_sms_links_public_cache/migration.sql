-- SMS you can trust, single-use and revocable links, and the public read cache
-- (issue 9). Additive: three new tables, one sequence with its triggers, and a
-- partial unique index on Person.phone after normalising existing numbers.

-- Every inbound text by Twilio's MessageSid: a Twilio retry or a replayed
-- request finds the row and changes nothing a second time.
CREATE TABLE "InboundSms" (
    "messageSid" TEXT NOT NULL,
    "fromNumber" TEXT NOT NULL,
    "personId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InboundSms_pkey" PRIMARY KEY ("messageSid")
);
CREATE INDEX "InboundSms_receivedAt_idx" ON "InboundSms"("receivedAt");

-- Signed links that have acted (acknowledge, review decision, progress), by
-- the digest of the token: a second use answers a page, not an action.
CREATE TABLE "UsedLinkToken" (
    "tokenHash" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "UsedLinkToken_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "UsedLinkToken_personId_idx" ON "UsedLinkToken"("personId");

-- Links a person was sent before revokedAt no longer work (set when the
-- person is deactivated), even if the person is made active again.
CREATE TABLE "LinkRevocation" (
    "personId" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "LinkRevocation_pkey" PRIMARY KEY ("personId")
);

-- Phone numbers in E.164. Common written forms are rewritten (spaces, dots,
-- dashes and brackets dropped; 00 -> +; ten-digit and 1+ten-digit North
-- American numbers get +1); an empty string means no number. Anything still
-- not E.164 stops the migration here, naming nothing we could guess.
UPDATE "Person" SET "phone" = NULL WHERE "phone" IS NOT NULL AND btrim("phone") = '';
UPDATE "Person" SET "phone" = regexp_replace("phone", '[[:space:]().-]', '', 'g') WHERE "phone" IS NOT NULL;
UPDATE "Person" SET "phone" = '+' || substr("phone", 3) WHERE "phone" ~ '^00[1-9][0-9]+$';
UPDATE "Person" SET "phone" = '+1' || "phone" WHERE "phone" ~ '^[2-9][0-9]{9}$';
UPDATE "Person" SET "phone" = '+' || "phone" WHERE "phone" ~ '^1[2-9][0-9]{9}$';
ALTER TABLE "Person" ADD CONSTRAINT "Person_phone_e164" CHECK ("phone" IS NULL OR "phone" ~ '^\+[1-9][0-9]{6,14}$');
-- One active person per number, so an inbound text names exactly one sender.
-- Prisma's schema language cannot state a partial index; it lives here only.
CREATE UNIQUE INDEX "Person_phone_active_key" ON "Person"("phone") WHERE "active" AND "phone" IS NOT NULL;

-- The public read cache's version: bumped at commit by any change to what
-- the public pages and feeds show (incidents, deadlines, a statement's
-- publication). A sequence, so concurrent writers never wait on each other;
-- readers compare last_value with the version their cache was built at.
CREATE SEQUENCE "public_data_version";
CREATE FUNCTION "bump_public_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('"public_data_version"');
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER "Incident_public_data_version" AFTER INSERT OR UPDATE OR DELETE ON "Incident"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_public_data_version"();
CREATE CONSTRAINT TRIGGER "Deadline_public_data_version" AFTER INSERT OR UPDATE OR DELETE ON "Deadline"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_public_data_version"();
CREATE CONSTRAINT TRIGGER "Statement_public_data_version" AFTER UPDATE OF "status", "publishedVersion", "publishedAt" OR DELETE ON "Statement"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_public_data_version"();
