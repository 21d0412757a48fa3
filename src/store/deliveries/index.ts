// The deliveries table, one module: its row (row.ts), every change of a delivery's status
// (status.ts: the only place one changes) and its reads (reads.ts). To add a column: a migration,
// DeliveryRow, and the statements here that write or return it.
export * from './row.js';
export * from './status.js';
export * from './reads.js';
