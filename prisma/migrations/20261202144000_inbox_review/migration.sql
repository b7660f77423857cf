-- The admins' inbox: a reply the bot was unsure of (a question forwarded, a file named for tasks, a
-- report it asked about or did not understand, a report from someone not registered) waits as
-- `needs_admin` and records nothing until an admin confirms, corrects, assigns, answers or dismisses it.
ALTER TYPE "InboundStatus" ADD VALUE IF NOT EXISTS 'needs_admin';
ALTER TABLE "InboundMessage" ADD COLUMN "handledAt" TIMESTAMP(3);
ALTER TABLE "InboundMessage" ADD COLUMN "handledBy" TEXT;
-- What the admin did, in words for the 留痕: 确认 / 更正 / 指定任务 / 答复：… / 不予处理：原因.
ALTER TABLE "InboundMessage" ADD COLUMN "handling" TEXT;
