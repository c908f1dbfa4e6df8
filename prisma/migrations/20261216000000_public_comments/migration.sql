-- Public comments with a promise to answer: residents comment on a goal or an
-- action item with no account; the City's replies, and the private address
-- the reply is emailed to.

-- CreateEnum
CREATE TYPE "CommentStatus" AS ENUM ('PENDING', 'PUBLISHED', 'REJECTED', 'ANSWERED');

-- CreateTable
CREATE TABLE "PublicComment" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "goalId" TEXT NOT NULL,
    "itemId" TEXT,
    "body" TEXT NOT NULL,
    "displayName" TEXT,
    "replyEmail" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "status" "CommentStatus" NOT NULL DEFAULT 'PENDING',
    "rejectionReason" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "publishedAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "answeredOnTime" BOOLEAN,
    "linkedItemId" TEXT,
    "linkedAt" TIMESTAMP(3),
    "lastEscalation" TEXT,
    "lastEscalatedAt" TIMESTAMP(3),
    "flaggedForBoardAt" TIMESTAMP(3),
    "policyVersion" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,

    CONSTRAINT "PublicComment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommentReply" (
    "id" TEXT NOT NULL,
    "commentId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "byId" TEXT NOT NULL,
    "byName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommentReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PublicComment_workflowId_key" ON "PublicComment"("workflowId");

-- CreateIndex
CREATE INDEX "PublicComment_itemId_idx" ON "PublicComment"("itemId");

-- CreateIndex
CREATE INDEX "PublicComment_goalId_idx" ON "PublicComment"("goalId");

-- CreateIndex
CREATE INDEX "PublicComment_planId_status_idx" ON "PublicComment"("planId", "status");

-- CreateIndex
CREATE INDEX "PublicComment_linkedItemId_idx" ON "PublicComment"("linkedItemId");

-- CreateIndex
CREATE INDEX "CommentReply_commentId_idx" ON "CommentReply"("commentId");

-- AddForeignKey
ALTER TABLE "CommentReply" ADD CONSTRAINT "CommentReply_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "PublicComment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
