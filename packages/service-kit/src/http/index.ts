export { createHttpApp, runHttpService, portError } from './http-service.js';
export type { HttpServiceDefinition, CreatedHttpApp } from './http-service.js';
