import { registerDecorator, type ValidationOptions } from 'class-validator';

/** An IANA time zone name the runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: '$property must be an IANA time zone such as Europe/Paris', ...options },
      validator: { validate: isTimeZone },
    });
  };
}
