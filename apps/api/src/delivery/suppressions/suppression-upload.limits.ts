/** Largest CSV upload (`@fastify/multipart`'s fileSize limit, registered in api.definition.ts). */
export const MAX_SUPPRESSION_CSV_BYTES = 10 * 1_048_576;
