-- Every worker reserves its SMS send slots here, so the workers together keep
-- to each sender's per-second rate (a carrier counts per From number, not per worker).
CREATE TABLE "sms_send_slots" (
    "sender" TEXT NOT NULL,
    "nextFreeAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_send_slots_pkey" PRIMARY KEY ("sender")
);
