import { holidayCodeProblem } from '@outreach/sequencing';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * A public-holiday code date-holidays knows: a country (`FR`) or a country and subdivision
 * (`FR-57`). The message is @outreach/sequencing's, which says which codes are valid.
 */
export function IsHolidayCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isHolidayCode',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !holidayCodeProblem(value),
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          return typeof value === 'string'
            ? (holidayCodeProblem(value) ?? '')
            : '$property must be a public-holiday code such as FR or FR-57, or null';
        },
      },
    });
  };
}
