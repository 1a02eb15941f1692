/** The environment does not describe a runnable service; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
