-- Goal 1's engagement sessions: sessions of a plan (a place or an https
-- link), attendance counted by stakeholder group (counts only, never names),
-- and follow-up action items linked to their session.

-- CreateEnum
CREATE TYPE "EngagementSessionStatus" AS ENUM ('SCHEDULED', 'HELD', 'CANCELLED');

-- CreateTable
CREATE TABLE "EngagementSession" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "place" TEXT,
    "onlineUrl" TEXT,
    "languages" TEXT[],
    "accessibilityNotes" TEXT NOT NULL DEFAULT '',
    "status" "EngagementSessionStatus" NOT NULL DEFAULT 'SCHEDULED',
    "notes" TEXT NOT NULL DEFAULT '',
    "workflowId" TEXT NOT NULL,
    "createdById" TEXT,
    "heldAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EngagementSession_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "EngagementSession_ends_after_start" CHECK ("endsAt" > "startsAt"),
    CONSTRAINT "EngagementSession_place_or_link" CHECK ("place" IS NOT NULL OR "onlineUrl" IS NOT NULL),
    CONSTRAINT "EngagementSession_https_link" CHECK ("onlineUrl" IS NULL OR "onlineUrl" LIKE 'https://%')
);

-- CreateTable
CREATE TABLE "SessionAttendance" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SessionAttendance_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SessionAttendance_count_not_negative" CHECK ("count" >= 0)
);

-- AlterTable
ALTER TABLE "ActionItem" ADD COLUMN "engagementSessionId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "EngagementSession_workflowId_key" ON "EngagementSession"("workflowId");

-- CreateIndex
CREATE INDEX "EngagementSession_planId_startsAt_idx" ON "EngagementSession"("planId", "startsAt");

-- CreateIndex
CREATE INDEX "EngagementSession_startsAt_idx" ON "EngagementSession"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "SessionAttendance_sessionId_group_key" ON "SessionAttendance"("sessionId", "group");

-- AddForeignKey
ALTER TABLE "EngagementSession" ADD CONSTRAINT "EngagementSession_planId_fkey" FOREIGN KEY ("planId") REFERENCES "ActionPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionAttendance" ADD CONSTRAINT "SessionAttendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "EngagementSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_engagementSessionId_fkey" FOREIGN KEY ("engagementSessionId") REFERENCES "EngagementSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;
