import { Column } from 'typeorm';
import type { ColumnOptions } from 'typeorm';

/**
 * Column decorators that carry what the SQL CHECK constraints say, so input is refused with
 * the field's name before it reaches PostgreSQL (and the drift test compares them with the
 * catalog). TypeORM has no length for `text`, hence the registry.
 */
const maxLengths = new WeakMap<object, Map<string, number>>();

export interface TextColumnOptions {
  /** CHECK (char_length(column) <= maxLength) in the SQL. */
  maxLength?: number;
  nullable?: boolean;
  type?: 'text' | 'citext';
}

export function TextColumn(name: string, options: TextColumnOptions = {}): PropertyDecorator {
  const column = Column({
    type: options.type ?? 'text',
    name,
    nullable: options.nullable ?? false,
  });
  return (target, propertyKey) => {
    if (options.maxLength !== undefined) {
      const map = maxLengths.get(target.constructor) ?? new Map<string, number>();
      map.set(String(propertyKey), options.maxLength);
      maxLengths.set(target.constructor, map);
    }
    column(target, propertyKey);
  };
}

/** A text column whose CHECK lists its values: `values` is the one source of them (`as const`). */
export function EnumColumn(
  name: string,
  values: readonly string[],
  options: { nullable?: boolean } = {},
): PropertyDecorator {
  return Column({ type: 'text', name, enum: [...values], nullable: options.nullable ?? false });
}

/** Maximum length (code points) declared for a text property, if any (inherited ones too). */
export function maxLengthOf(target: unknown, property: string): number | undefined {
  let current: unknown = target;
  while (typeof current === 'function') {
    const found = maxLengths.get(current)?.get(property);
    if (found !== undefined) return found;
    current = Object.getPrototypeOf(current);
  }
  return undefined;
}

/** Plain column with a snake_case name; nullable only when said so. */
export function Col(
  name: string,
  type: ColumnOptions['type'],
  options: Omit<ColumnOptions, 'name' | 'type'> = {},
): PropertyDecorator {
  return Column({ ...options, name, type, nullable: options.nullable ?? false });
}
