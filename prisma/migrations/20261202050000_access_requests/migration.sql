-- CreateEnum
CREATE TYPE "AccessRequestKind" AS ENUM ('register', 'bind_group');

-- CreateEnum
CREATE TYPE "AccessRequestStatus" AS ENUM ('pending', 'approved', 'rejected');

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" SERIAL NOT NULL,
    "kind" "AccessRequestKind" NOT NULL,
    "status" "AccessRequestStatus" NOT NULL DEFAULT 'pending',
    "channel" TEXT NOT NULL DEFAULT 'wechaty',
    "actorId" TEXT NOT NULL,
    "actorName" TEXT,
    "roomId" TEXT,
    "roomTopic" TEXT,
    "unitId" INTEGER,
    "unitName" TEXT,
    "role" TEXT,
    "text" TEXT,
    "detail" JSONB,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "reason" TEXT,

    CONSTRAINT "AccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccessRequest_status_kind_idx" ON "AccessRequest"("status", "kind");
