import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { PageDto } from '../../crud/page.dto.js';
import { ListImportsQuery } from './dto/list-imports.query.js';
import { UploadImportQuery } from './dto/upload-import.query.js';
import { MAX_IMPORT_CSV_BYTES, tooLarge } from './import-upload.limits.js';
import type { ImportView } from './import.view.js';
import { ImportsService } from './imports.service.js';

@ApiTags('imports')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /**
   * Upload a Pharow CSV export (multipart/form-data, one file part, at most 50 MB): UTF-8 (with
   * or without BOM) or Windows-1252, `;` or `,` separated. Answers 202 with the queued import;
   * the worker validates and merges it (poll GET …/imports/:importId).
   */
  @Post()
  @HttpCode(202)
  @RequirePermission('imports:write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'the CSV export' } },
    },
  })
  @ApiAcceptedResponse({ description: 'the import, status queued' })
  async upload(
    @Req() request: FastifyRequest,
    @Query() query: UploadImportQuery,
  ): Promise<ImportView> {
    if (!request.isMultipart()) {
      throw new BadRequestException(
        'send the CSV as multipart/form-data with one file part (e.g. curl -F file=@export.csv)',
      );
    }
    // A declared body well over the limit is refused before a byte is read.
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_IMPORT_CSV_BYTES + 1_048_576) throw tooLarge();
    const part = await request.file({
      limits: { fileSize: MAX_IMPORT_CSV_BYTES },
      throwFileSizeLimit: false,
    });
    if (!part) throw new BadRequestException('the upload has no file part: add the CSV file');
    const fileName = (part.filename || 'import.csv').trim().slice(0, 255) || 'import.csv';
    return this.imports.upload(part.file, fileName, query);
  }

  @Get()
  @RequirePermission('imports:read')
  @ApiOkResponse({ type: PageDto })
  list(@Query() query: ListImportsQuery): Promise<Page<ImportView>> {
    return this.imports.list(query);
  }

  /** Status, rows total / validated / merged, per-entity counts and a percentage. */
  @Get(':importId')
  @RequirePermission('imports:read')
  get(@Param('importId', ParseUUIDPipe) importId: string): Promise<ImportView> {
    return this.imports.get(importId);
  }

  /**
   * The refused rows as CSV (`row,column,value,reason`, UTF-8 with BOM), streamed; cells
   * starting with `=`, `+`, `-` or `@` are prefixed with `'` (no formula injection).
   */
  @Get(':importId/errors.csv')
  @RequirePermission('imports:read')
  @ApiProduces('text/csv')
  async errorsCsv(
    @Param('importId', ParseUUIDPipe) importId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const found = await this.imports.find(importId);
    const body = new PassThrough();
    void reply
      .status(200)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${found.id}-errors.csv"`)
      .header('cache-control', 'no-store')
      .send(body);
    await this.imports.writeErrorsCsv(found.id, body);
    await finished(body);
  }
}
