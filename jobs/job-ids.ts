import { slotStamp } from '../src/domain/cadence/slot-keys.ts';

/** The queue id of a slot job: the same from every tick and every worker, so the queue runs it once. BullMQ ids may not contain ':'. */
export function slotJobId(cadenceKey: string, slotAt: Date): string {
  return `slot_${cadenceKey}_${slotStamp(slotAt).replace(/:/g, '')}`;
}
