export { enableGracefulShutdown, exitOnStartupError } from './graceful-shutdown.js';
