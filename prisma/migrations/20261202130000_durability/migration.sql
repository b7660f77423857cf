-- Inbound durability: a message stored before a crash is interpreted after it exactly as it arrived.
ALTER TABLE "InboundMessage" ADD COLUMN "mentionsSelf" BOOLEAN NOT NULL DEFAULT false;
