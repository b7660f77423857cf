-- CreateTable
CREATE TABLE "ConsoleAccount" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "passwordHash" TEXT,
    "personId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "ConsoleAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsoleToken" (
    "id" SERIAL NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "accountId" INTEGER NOT NULL,
    "csrf" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "ConsoleToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleAccount_name_key" ON "ConsoleAccount"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleToken_tokenHash_key" ON "ConsoleToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ConsoleToken_accountId_idx" ON "ConsoleToken"("accountId");

-- AddForeignKey
ALTER TABLE "ConsoleToken" ADD CONSTRAINT "ConsoleToken_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ConsoleAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
