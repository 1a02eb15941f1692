import { PayloadTooLargeException } from '@nestjs/common';

/** Largest Pharow CSV upload (`@fastify/multipart`'s fileSize limit for this route). */
export const MAX_IMPORT_CSV_BYTES = 50 * 1_048_576;

/** Bytes read before the first parse, to detect the encoding and the separator. */
export const SNIFF_BYTES = 64 * 1_024;

/** 413 naming the limit. */
export function tooLarge(): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `the file is larger than ${MAX_IMPORT_CSV_BYTES / 1_048_576} MB: split it into several uploads`,
  );
}
