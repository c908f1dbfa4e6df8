-- The Goal 3 court-user survey: contacts recorded by the court clerk, their
-- single-use invitation links (by token hash), responses with no link to the
-- contact, and each closed quarter's published summary.

-- CreateEnum
CREATE TYPE "SurveyContactStatus" AS ENUM ('WAITING', 'INVITED', 'REMINDED', 'COMPLETED', 'OPTED_OUT', 'EXPIRED');

-- CreateTable
CREATE TABLE "SurveyContact" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "channel" "Channel" NOT NULL,
    "address" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "caseClosedAt" TIMESTAMP(3) NOT NULL,
    "recordedById" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "status" "SurveyContactStatus" NOT NULL DEFAULT 'WAITING',
    "quarter" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "invitedAt" TIMESTAMP(3),

    CONSTRAINT "SurveyContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyInvitation" (
    "id" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SurveyInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" TEXT NOT NULL,
    "quarter" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "answers" JSONB NOT NULL,
    "submittedOn" DATE NOT NULL,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyQuarterSummary" (
    "quarter" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyQuarterSummary_pkey" PRIMARY KEY ("quarter")
);

-- CreateIndex
CREATE INDEX "SurveyContact_quarter_status_idx" ON "SurveyContact"("quarter", "status");

-- CreateIndex
CREATE INDEX "SurveyContact_recordedById_createdAt_idx" ON "SurveyContact"("recordedById", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvitation_contactId_key" ON "SurveyInvitation"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvitation_tokenHash_key" ON "SurveyInvitation"("tokenHash");

-- CreateIndex
CREATE INDEX "SurveyResponse_quarter_idx" ON "SurveyResponse"("quarter");

-- AddForeignKey
ALTER TABLE "SurveyInvitation" ADD CONSTRAINT "SurveyInvitation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "SurveyContact"("id") ON DELETE CASCADE ON UPDATE CASCADE;
