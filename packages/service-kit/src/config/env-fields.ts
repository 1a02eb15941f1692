import { z } from 'zod';

const REQUIRED = 'required';

/** An integer variable within [min, max]; `fallback` applies when it is unset. */
export function integer(min: number, max: number, fallback?: number) {
  const message = `expected a number between ${min} and ${max}`;
  const field = z
    .string({ error: REQUIRED })
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((value) => value >= min && value <= max, message);
  return fallback === undefined ? field : field.default(fallback);
}

/** A TCP port (1-65535). */
export function port(fallback: number) {
  return integer(1, 65535, fallback);
}

/** A URL whose scheme is one of `protocols` (e.g. `['postgres:', 'postgresql:']`). */
export function url(protocols: readonly string[]) {
  const message = `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.string({ error: REQUIRED }).refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, message);
}

/** One of a fixed set of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback);
}

/** A non-empty string. */
export function text(fallback?: string) {
  const field = z.string({ error: REQUIRED });
  return fallback === undefined ? field : field.default(fallback);
}

/**
 * A variable turned into a value by `parse` (e.g. `SecretKeyRing.parse`); what `parse` throws
 * becomes the variable's one issue, its message saying what is wrong.
 */
export function parsed<T>(parse: (value: string) => T) {
  return z.string({ error: REQUIRED }).transform((value, context): T => {
    try {
      return parse(value);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : String(error),
      });
      return z.NEVER;
    }
  });
}
