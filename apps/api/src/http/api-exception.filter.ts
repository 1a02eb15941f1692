import {
  Catch,
  HttpException,
  Inject,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { InvalidCursorError, InvalidInputError, translateDatabaseError } from '@outreach/db';
import { MissingTenantContextError } from '@outreach/tenancy';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: { field: string; messages: string[] }[];
  constraint?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** PostgreSQL or pool errors that mean "the database is not there", not "the request is bad". */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '57P01', '57P03', '53300']);

/**
 * Maps what services throw to HTTP answers that say what to fix:
 * InvalidCursorError → 400; InvalidInputError (repository validation or a translated PostgreSQL
 * error) → 400 naming the field, 409 for a duplicate, 422 for a reference to a row that does not
 * exist in this organisation; database unavailable → 503; anything else → 500 (a bug, logged).
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(
    exception: unknown,
  ): ErrorBody | (Record<string, unknown> & { statusCode: number }) {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      return typeof response === 'object'
        ? { ...(response as Record<string, unknown>), statusCode: exception.getStatus() }
        : { statusCode: exception.getStatus(), error: exception.name, message: response };
    }
    if (exception instanceof InvalidCursorError) return body(400, exception.message);
    const error = translateDatabaseError(exception);
    if (error instanceof InvalidInputError) {
      const status =
        error.kind === 'unique_violation'
          ? 409
          : error.kind === 'foreign_key_violation'
            ? 422
            : 400;
      return {
        ...body(status, error.message),
        ...(error.field ? { errors: [{ field: error.field, messages: [error.message] }] } : {}),
        ...(error.constraint ? { constraint: error.constraint } : {}),
      };
    }
    if (!this.dataSource.isInitialized || isUnavailable(error)) {
      return body(503, 'database unavailable, retry later');
    }
    if (error instanceof MissingTenantContextError) {
      this.logger.error(error.message, error.stack);
      return body(500, 'internal error');
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'internal error');
  }
}

function body(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message };
}

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } }).code ??
    (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' && UNAVAILABLE.has(code);
}
