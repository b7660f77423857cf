export * from './instruction-due.ts';
export * from './read-instruction.ts';
export * from './leader-question.ts';
export * from './instruction-rules.ts';
export * from './instruction-wording.ts';
