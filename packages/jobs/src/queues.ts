import { deliveryQueue } from './delivery.queue.js';
import { importsQueue } from './imports.queue.js';
import { inboundQueue } from './inbound.queue.js';
import { maintenanceQueue } from './maintenance.queue.js';
import type { QueueContract } from './queue-contract.js';

/** Every queue of the platform: the worker refuses to start unless each job has a handler. */
export const ALL_QUEUES: readonly QueueContract[] = Object.freeze([
  maintenanceQueue,
  importsQueue,
  deliveryQueue,
  inboundQueue,
]);
