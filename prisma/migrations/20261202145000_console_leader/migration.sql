-- A leader's read-only console account is tied to the leader's directory entry; removing the person
-- unties the account (it then sees no task) rather than deleting it.
UPDATE "ConsoleAccount" SET "personId" = NULL WHERE "personId" IS NOT NULL AND "personId" NOT IN (SELECT "id" FROM "Person");
ALTER TABLE "ConsoleAccount" ADD CONSTRAINT "ConsoleAccount_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
