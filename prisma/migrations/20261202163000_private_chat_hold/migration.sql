-- A private message the channel cannot push yet (the person never wrote to the bot privately) is held, not failed.
ALTER TYPE "OutboxStatus" ADD VALUE 'held';
-- "Has this person written to the bot privately on this channel?" is asked before each such push.
CREATE INDEX "InboundMessage_talkerId_channel_idx" ON "InboundMessage"("talkerId", "channel");
