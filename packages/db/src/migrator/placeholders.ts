import { MigrationError } from './migration-error.js';

const PLACEHOLDER = /\$\{([^}\r\n]+)\}/g;

/**
 * Replaces `${name}` everywhere in the text (comments and dollar-quoted bodies too), as Flyway
 * does with placeholderReplacement on. Names are case-insensitive; built-ins are passed in as
 * `flyway:defaultSchema`, `flyway:user`, … An undefined placeholder is an error naming the file.
 */
export function replacePlaceholders(
  text: string,
  values: Readonly<Record<string, string>>,
  script: string,
): string {
  const lower = new Map(Object.entries(values).map(([key, value]) => [key.toLowerCase(), value]));
  return text.replace(PLACEHOLDER, (match: string, name: string) => {
    const value = lower.get(name.toLowerCase());
    if (value === undefined) {
      throw new MigrationError(
        `${script}: no value provided for placeholder ${match} (define it in the placeholders option, or remove "\${" from the file)`,
      );
    }
    return value;
  });
}
