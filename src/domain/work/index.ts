export * from './work-types.ts';
export * from './assignment-state.ts';
export * from './owing.ts';
export * from './apply-report.ts';
export * from './decide-request.ts';
export * from './can-act.ts';
export * from './task-ref.ts';
export * from './assignments-from-units.ts';
