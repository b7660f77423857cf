export * from './cadence-spec.ts';
export * from './parse-cadence.ts';
export * from './compute-slots.ts';
export * from './slot-keys.ts';
export * from './describe-rule.ts';
