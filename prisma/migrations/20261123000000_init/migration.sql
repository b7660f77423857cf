-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "DeadlineKind" AS ENUM ('date', 'recurring', 'open', 'none');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('not_started', 'in_progress', 'blocked', 'done', 'closed');

-- CreateEnum
CREATE TYPE "AssignmentRole" AS ENUM ('lead', 'responsible', 'participating');

-- CreateEnum
CREATE TYPE "PersonKind" AS ENUM ('leader', 'contact', 'admin');

-- CreateEnum
CREATE TYPE "InboundStatus" AS ENUM ('received', 'interpreted', 'ignored', 'failed');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sending', 'sent', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "RequestKind" AS ENUM ('close', 'extension', 'transfer');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'approved', 'returned');

-- CreateTable
CREATE TABLE "Plan" (
    "id" SERIAL NOT NULL,
    "sourceDocument" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "issuer" TEXT,
    "docNumber" TEXT,
    "issuedOn" DATE,
    "year" INTEGER,
    "contentHash" TEXT,
    "mechanisms" TEXT[],
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Section" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "parentId" INTEGER,
    "level" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "Section_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "sectionId" INTEGER,
    "no" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT,
    "text" TEXT NOT NULL,
    "deadline" DATE,
    "deadlineText" TEXT,
    "deadlineKind" "DeadlineKind" NOT NULL DEFAULT 'none',
    "recurrence" TEXT,
    "status" "TaskStatus" NOT NULL DEFAULT 'not_started',
    "percent" INTEGER,
    "lastReportedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "dueOn" DATE,
    "deadlineText" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Unit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "aliases" TEXT[],
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "PersonKind" NOT NULL,
    "title" TEXT,
    "role" TEXT,
    "unitId" INTEGER,
    "chatId" TEXT,
    "chatName" TEXT,
    "phone" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "onLeave" BOOLEAN NOT NULL DEFAULT false,
    "backupId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskUnit" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "role" "AssignmentRole" NOT NULL,
    "rawName" TEXT NOT NULL,
    "unitId" INTEGER,
    "collective" BOOLEAN NOT NULL DEFAULT false,
    "ordinal" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TaskUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskLeader" (
    "taskId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,

    CONSTRAINT "TaskLeader_pkey" PRIMARY KEY ("taskId","personId")
);

-- CreateTable
CREATE TABLE "ChatGroup" (
    "id" SERIAL NOT NULL,
    "roomId" TEXT,
    "topic" TEXT NOT NULL,
    "isAllUnits" BOOLEAN NOT NULL DEFAULT false,
    "isOffice" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChatGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupUnit" (
    "groupId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,

    CONSTRAINT "GroupUnit_pkey" PRIMARY KEY ("groupId","unitId")
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'wechaty',
    "messageId" TEXT NOT NULL,
    "roomId" TEXT,
    "roomTopic" TEXT,
    "talkerId" TEXT NOT NULL,
    "talkerName" TEXT,
    "type" TEXT NOT NULL DEFAULT 'text',
    "text" TEXT NOT NULL,
    "attachment" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "InboundStatus" NOT NULL DEFAULT 'received',
    "error" TEXT,

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProgressUpdate" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER,
    "personId" INTEGER,
    "kind" TEXT NOT NULL DEFAULT 'report',
    "reportedAt" TIMESTAMP(3) NOT NULL,
    "text" TEXT NOT NULL,
    "percent" INTEGER,
    "status" "TaskStatus",
    "problems" TEXT,
    "nextSteps" TEXT,
    "inboundMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProgressUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" SERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "cadence" TEXT,
    "slotAt" TIMESTAMP(3),
    "targetKind" TEXT NOT NULL,
    "targetRef" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "mentions" TEXT[],
    "attachment" TEXT,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Schedule" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlotRun" (
    "id" SERIAL NOT NULL,
    "cadenceKey" TEXT NOT NULL,
    "slotAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL,
    "note" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SlotRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Escalation" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER,
    "level" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "outboxKey" TEXT,

    CONSTRAINT "Escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskRequest" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "kind" "RequestKind" NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "unitId" INTEGER,
    "requestedBy" TEXT NOT NULL,
    "reason" TEXT,
    "evidence" TEXT[],
    "newDeadline" DATE,
    "toUnitId" INTEGER,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decision" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_sourceDocument_key" ON "Plan"("sourceDocument");

-- CreateIndex
CREATE UNIQUE INDEX "Section_planId_parentId_ordinal_key" ON "Section"("planId", "parentId", "ordinal");

-- CreateIndex
CREATE INDEX "Task_status_idx" ON "Task"("status");

-- CreateIndex
CREATE INDEX "Task_deadline_idx" ON "Task"("deadline");

-- CreateIndex
CREATE UNIQUE INDEX "Task_planId_no_key" ON "Task"("planId", "no");

-- CreateIndex
CREATE INDEX "Milestone_taskId_idx" ON "Milestone"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Unit_name_key" ON "Unit"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Person_chatId_key" ON "Person"("chatId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_name_kind_unitId_key" ON "Person"("name", "kind", "unitId");

-- CreateIndex
CREATE INDEX "TaskUnit_unitId_idx" ON "TaskUnit"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "TaskUnit_taskId_role_rawName_key" ON "TaskUnit"("taskId", "role", "rawName");

-- CreateIndex
CREATE UNIQUE INDEX "ChatGroup_roomId_key" ON "ChatGroup"("roomId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatGroup_topic_key" ON "ChatGroup"("topic");

-- CreateIndex
CREATE UNIQUE INDEX "InboundMessage_messageId_key" ON "InboundMessage"("messageId");

-- CreateIndex
CREATE INDEX "InboundMessage_status_idx" ON "InboundMessage"("status");

-- CreateIndex
CREATE INDEX "ProgressUpdate_taskId_reportedAt_idx" ON "ProgressUpdate"("taskId", "reportedAt");

-- CreateIndex
CREATE INDEX "ProgressUpdate_unitId_reportedAt_idx" ON "ProgressUpdate"("unitId", "reportedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Outbox_idempotencyKey_key" ON "Outbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Outbox_status_notBefore_idx" ON "Outbox"("status", "notBefore");

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_key_key" ON "Schedule"("key");

-- CreateIndex
CREATE UNIQUE INDEX "SlotRun_cadenceKey_slotAt_key" ON "SlotRun"("cadenceKey", "slotAt");

-- CreateIndex
CREATE INDEX "Escalation_taskId_idx" ON "Escalation"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "Escalation_taskId_unitId_level_issuedAt_key" ON "Escalation"("taskId", "unitId", "level", "issuedAt");

-- CreateIndex
CREATE INDEX "TaskRequest_taskId_status_idx" ON "TaskRequest"("taskId", "status");

-- CreateIndex
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- AddForeignKey
ALTER TABLE "Section" ADD CONSTRAINT "Section_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Section" ADD CONSTRAINT "Section_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Section"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskUnit" ADD CONSTRAINT "TaskUnit_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskUnit" ADD CONSTRAINT "TaskUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskLeader" ADD CONSTRAINT "TaskLeader_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskLeader" ADD CONSTRAINT "TaskLeader_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupUnit" ADD CONSTRAINT "GroupUnit_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ChatGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupUnit" ADD CONSTRAINT "GroupUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgressUpdate" ADD CONSTRAINT "ProgressUpdate_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgressUpdate" ADD CONSTRAINT "ProgressUpdate_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgressUpdate" ADD CONSTRAINT "ProgressUpdate_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProgressUpdate" ADD CONSTRAINT "ProgressUpdate_inboundMessageId_fkey" FOREIGN KEY ("inboundMessageId") REFERENCES "InboundMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskRequest" ADD CONSTRAINT "TaskRequest_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

