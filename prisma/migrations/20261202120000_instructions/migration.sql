-- 批示: a leader's instruction on tasks, and the units that owe a report on it.
CREATE TABLE "Instruction" (
    "id" SERIAL NOT NULL,
    "leaderId" INTEGER,
    "leaderName" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "text" TEXT NOT NULL,
    "dueOn" DATE,
    "source" TEXT NOT NULL DEFAULT 'chat',
    "recordedBy" TEXT NOT NULL,
    "inboundMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Instruction_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Instruction_leaderId_issuedAt_idx" ON "Instruction"("leaderId", "issuedAt");

-- One inbound message gives at most one 批示 (a retried message does not record it twice).
CREATE UNIQUE INDEX "Instruction_inboundMessageId_key" ON "Instruction"("inboundMessageId") WHERE "inboundMessageId" IS NOT NULL;

CREATE TABLE "InstructionTarget" (
    "id" SERIAL NOT NULL,
    "instructionId" INTEGER NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "added" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "InstructionTarget_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "InstructionTarget_instructionId_taskId_unitId_key" ON "InstructionTarget"("instructionId", "taskId", "unitId");
CREATE INDEX "InstructionTarget_taskId_unitId_idx" ON "InstructionTarget"("taskId", "unitId");

ALTER TABLE "InstructionTarget" ADD CONSTRAINT "InstructionTarget_instructionId_fkey" FOREIGN KEY ("instructionId") REFERENCES "Instruction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Not modelled as Prisma relations (to keep Task, Unit and Person unchanged), but kept consistent:
-- a task or unit that goes takes its targets with it; a removed leader leaves the 批示 with the name.
ALTER TABLE "InstructionTarget" ADD CONSTRAINT "InstructionTarget_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "InstructionTarget" ADD CONSTRAINT "InstructionTarget_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Instruction" ADD CONSTRAINT "Instruction_leaderId_fkey" FOREIGN KEY ("leaderId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Who oversees what besides a task's 牵头领导: a plan's roster (whole plan), a unit's 分管领导 (its tasks).
CREATE TABLE "Oversight" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "planId" INTEGER,
    "unitId" INTEGER,
    "role" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Oversight_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Oversight_personId_idx" ON "Oversight"("personId");
ALTER TABLE "Oversight" ADD CONSTRAINT "Oversight_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Oversight" ADD CONSTRAINT "Oversight_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Oversight" ADD CONSTRAINT "Oversight_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
