import type { Command } from './command.ts';
import { doctorCommand } from './commands/doctor-command.ts';
import { exportCommand } from './commands/export-command.ts';
import { importCommand } from './commands/import-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { parseReplyCommand } from './commands/parse-reply-command.ts';
import { reportCommand } from './commands/report-command.ts';
import { startCommand } from './commands/start-command.ts';
import { simulateCommand } from './commands/simulate-command.ts';
import { cadenceCommand } from './commands/cadence-command.ts';
import { workerCommand } from './commands/worker-command.ts';
import { rehearseCommand } from './commands/rehearse-command.ts';
import { peopleCommand } from './commands/people-command.ts';
import { adminCommand } from './commands/admin-command.ts';

/** Every `duban` sub-command, in the order `duban help` lists them. */
export const commands: Command[] = [startCommand, workerCommand, migrateCommand, doctorCommand, importCommand, exportCommand, reportCommand, parseReplyCommand, simulateCommand, rehearseCommand, cadenceCommand, peopleCommand, adminCommand];
