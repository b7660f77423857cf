-- CreateEnum
CREATE TYPE "AssignmentState" AS ENUM ('not_started', 'in_progress', 'lagging', 'blocked', 'reported_done', 'closed');

-- AlterEnum
ALTER TYPE "TaskStatus" ADD VALUE 'lagging';

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "shortName" TEXT;

-- AlterTable
ALTER TABLE "TaskRequest" ADD COLUMN     "assignmentId" INTEGER;

-- CreateTable
CREATE TABLE "Assignment" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "role" "AssignmentRole" NOT NULL,
    "via" TEXT,
    "state" "AssignmentState" NOT NULL DEFAULT 'not_started',
    "percent" INTEGER,
    "lastReportedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Assignment_unitId_idx" ON "Assignment"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_taskId_unitId_key" ON "Assignment"("taskId", "unitId");

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: every resolved unit of a task gets its assignment (the strongest role it is named in;
-- enum order is lead < responsible < participating), carrying the task's state as it was.
INSERT INTO "Assignment" ("taskId", "unitId", "role", "state", "percent", "lastReportedAt", "closedAt", "updatedAt")
SELECT DISTINCT ON (tu."taskId", tu."unitId")
  tu."taskId", tu."unitId", tu."role",
  (CASE t."status"::text WHEN 'done' THEN 'reported_done' ELSE t."status"::text END)::"AssignmentState",
  t."percent", t."lastReportedAt", t."closedAt", CURRENT_TIMESTAMP
FROM "TaskUnit" tu JOIN "Task" t ON t."id" = tu."taskId"
WHERE tu."unitId" IS NOT NULL
ORDER BY tu."taskId", tu."unitId", tu."role";
