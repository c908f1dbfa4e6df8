-- Counsel's holds on publication, withdrawal of published statements, and
-- phone calls as a notification channel. Only additions: enum values cannot
-- be dropped, and existing rows keep their meaning (no hold, not withdrawn).

-- AlterEnum
ALTER TYPE "Channel" ADD VALUE IF NOT EXISTS 'VOICE';

-- CreateEnum
CREATE TYPE "HoldStatus" AS ENUM ('ACTIVE', 'RELEASED', 'LAPSED');

-- AlterTable
ALTER TABLE "Statement" ADD COLUMN "withdrawnAt" TIMESTAMP(3),
ADD COLUMN "withdrawnById" TEXT,
ADD COLUMN "withdrawalNote" TEXT;

-- AlterTable
ALTER TABLE "Deadline" ADD COLUMN "heldSince" TIMESTAMP(3),
ADD COLUMN "heldByHoldId" TEXT;

-- CreateTable
CREATE TABLE "PublicationHold" (
    "id" TEXT NOT NULL,
    "incidentId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "statementKind" TEXT,
    "statementId" TEXT,
    "category" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "status" "HoldStatus" NOT NULL DEFAULT 'ACTIVE',
    "placedById" TEXT NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "lapsesAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "endedById" TEXT,
    "endNote" TEXT,

    CONSTRAINT "PublicationHold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PublicationHold_incidentId_status_idx" ON "PublicationHold"("incidentId", "status");

-- AddForeignKey
ALTER TABLE "PublicationHold" ADD CONSTRAINT "PublicationHold_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The public read cache (migration 20261205000000) reloads when this version
-- moves: a hold placed, released or lapsed changes what the public pages and
-- feeds say. (A withdrawal changes Statement.status, which already bumps it;
-- a deadline a hold stops or restarts is a Deadline update, which does too.)
CREATE CONSTRAINT TRIGGER "PublicationHold_public_data_version" AFTER INSERT OR UPDATE OR DELETE ON "PublicationHold"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_public_data_version"();
