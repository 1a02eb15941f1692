export { defineQueue, parseJobPayload, InvalidJobPayloadError } from './queue-contract.js';
export type { QueueContract, JobName, JobPayload, TenantJobPayload } from './queue-contract.js';
export { maintenanceQueue } from './maintenance.queue.js';
export type { HeartbeatPayload, HeartbeatResult } from './maintenance.queue.js';
export { ALL_QUEUES } from './queues.js';
