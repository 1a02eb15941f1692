import { registerDecorator, type ValidationOptions } from 'class-validator';

/** 9 digits whose Luhn checksum is valid (the SIREN of a French company). */
export function isValidSiren(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) {
    let digit = Number(value[i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

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
