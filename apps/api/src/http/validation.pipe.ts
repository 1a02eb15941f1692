import {
  BadRequestException,
  ValidationPipe,
  type Type,
  type ValidationError,
} from '@nestjs/common';

export interface FieldError {
  field: string;
  messages: string[];
}

/** `address.city` style paths for every failing property, nested ones included. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Body, query and params validation for every route: unknown fields are refused, values are not
 * coerced silently, and the 400 lists each bad field with what is wrong:
 * `{ statusCode: 400, error: 'Bad Request', message: 'Invalid request: siren: …; nafCode: …', errors: [{ field, messages }] }`.
 * `expectedType` validates against that class when the parameter's own type is generic.
 */
export function createValidationPipe(expectedType?: Type): ValidationPipe {
  return new ValidationPipe({
    ...(expectedType ? { expectedType } : {}),
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const summary = fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `Invalid request: ${summary}`,
        errors: fields,
      });
    },
  });
}
