-- Residents in the loop: the language each person reads, statements written
-- in other languages beside the original, and subscriptions (residents by
-- email or SMS with double opt-in; newsrooms on the media list).

-- AlterTable
ALTER TABLE "Person" ADD COLUMN "language" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "StatementVersion" ADD COLUMN "translations" JSONB;

-- CreateEnum
CREATE TYPE "SubscriberAudience" AS ENUM ('RESIDENT', 'MEDIA');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('PENDING', 'ACTIVE', 'UNSUBSCRIBED');

-- CreateEnum
CREATE TYPE "SubscriptionTopicKind" AS ENUM ('ALL_INCIDENTS', 'INCIDENT', 'PLAN_REPORT', 'ENGAGEMENT_SESSIONS');

-- CreateTable
CREATE TABLE "Subscription" (
    "id" TEXT NOT NULL,
    "audience" "SubscriberAudience" NOT NULL DEFAULT 'RESIDENT',
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "status" "SubscriptionStatus" NOT NULL DEFAULT 'PENDING',
    "outlet" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "addedById" TEXT,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubscriptionTopic" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "topic" "SubscriptionTopicKind" NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "SubscriptionTopic_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN "subscriptionId" TEXT;

-- CreateIndex
CREATE INDEX "Subscription_channel_address_idx" ON "Subscription"("channel", "address");

-- CreateIndex
CREATE INDEX "Subscription_status_audience_idx" ON "Subscription"("status", "audience");

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionTopic_subscriptionId_topic_scope_key" ON "SubscriptionTopic"("subscriptionId", "topic", "scope");

-- CreateIndex
CREATE INDEX "SubscriptionTopic_topic_scope_idx" ON "SubscriptionTopic"("topic", "scope");

-- CreateIndex
CREATE INDEX "Notification_subscriptionId_idx" ON "Notification"("subscriptionId");

-- AddForeignKey
ALTER TABLE "SubscriptionTopic" ADD CONSTRAINT "SubscriptionTopic_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE SET NULL ON UPDATE CASCADE;
