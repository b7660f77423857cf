export * from './delivery-policy.ts';
