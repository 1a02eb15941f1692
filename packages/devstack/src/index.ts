export { PostgresServer, PostgresVersionMismatchError, POSTGRES_MAJOR } from './postgres-server.js';
export type { PostgresServerOptions } from './postgres-server.js';
export { RedisServer } from './redis-server.js';
export { RedisCluster } from './redis-cluster.js';
export type { RedisClusterOptions } from './redis-cluster.js';
export { DovecotServer } from './dovecot-server.js';
export type { DovecotServerOptions, DovecotUser } from './dovecot-server.js';
export { OpenAiCompatibleServer } from './openai-compatible-server.js';
export type {
  ChatCompletionBehaviour,
  OpenAiCompatibleServerOptions,
  RecordedRequest,
} from './openai-compatible-server.js';
export type { RedisServerOptions } from './redis-server.js';
export { PgBouncerServer, PRODUCTION_PGBOUNCER_INI, parseIni } from './pgbouncer-server.js';
export type {
  PgBouncerServerOptions,
  PgBouncerUser,
  PgBouncerUrlOptions,
} from './pgbouncer-server.js';
export { AppProcess } from './app-process.js';
export type { AppProcessOptions } from './app-process.js';
export { freePort, isPortInUse } from './ports.js';
export { SmtpSink, GarbageSmtpServer, readMailDir, writeMail, headerValue } from './smtp-sink.js';
export type { ReceivedMail, SmtpSinkBehaviour, SmtpSinkOptions } from './smtp-sink.js';
export { requireBinary } from './system-binary.js';
export { serviceIdentity, handOver } from './process-user.js';
export type { SpawnIdentity } from './process-user.js';
