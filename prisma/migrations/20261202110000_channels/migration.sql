-- Official channels and trustworthy delivery: a message whose moment passed is superseded, not sent;
-- what a channel degraded (a mention written as a name) is kept with the message.
ALTER TYPE "OutboxStatus" ADD VALUE IF NOT EXISTS 'superseded';
ALTER TABLE "Outbox" ADD COLUMN "degraded" TEXT;
