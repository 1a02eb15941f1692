import { isValidSiren } from '@outreach/pharow';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/** The SIREN rule lives in @outreach/pharow (9 digits, Luhn); the DTOs' decorator wraps it. */
export { isValidSiren };

export function IsSiren(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isSiren',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: '$property must be 9 digits with a valid Luhn checksum', ...options },
      validator: { validate: isValidSiren },
    });
  };
}
