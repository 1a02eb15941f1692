import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy/http';
import type { FastifyRequest } from 'fastify';
import { PageDto } from '../../crud/page.dto.js';
import { AddSuppressionDto } from './dto/add-suppression.dto.js';
import { ImportSuppressionsQuery } from './dto/import-suppressions.query.js';
import { ListSuppressionsQuery } from './dto/list-suppressions.query.js';
import { MAX_SUPPRESSION_CSV_BYTES } from './suppression-upload.limits.js';
import type { SuppressionImportView } from './suppression-import.view.js';
import type { SuppressionView } from './suppression.view.js';
import { SuppressionsService } from './suppressions.service.js';

@ApiTags('suppressions')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  @Post()
  @RequirePermission('suppressions:write')
  add(@Body() body: AddSuppressionDto): Promise<SuppressionView> {
    return this.suppressions.add(body);
  }

  @Get()
  @RequirePermission('suppressions:read')
  @ApiOkResponse({ type: PageDto })
  list(@Query() query: ListSuppressionsQuery): Promise<Page<SuppressionView>> {
    return this.suppressions.list(query);
  }

  /**
   * Bulk add from a CSV file (multipart/form-data, one file part): a header with an `email`
   * and/or `domain` column, or a single column of values; at most 100,000 rows and 10 MB.
   */
  @Post('import')
  @HttpCode(200)
  @RequirePermission('suppressions:write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'the CSV file' } },
    },
  })
  async import(
    @Req() request: FastifyRequest,
    @Query() query: ImportSuppressionsQuery,
  ): Promise<SuppressionImportView> {
    if (!request.isMultipart()) {
      throw new BadRequestException(
        'send the CSV as multipart/form-data with one file part (e.g. curl -F file=@list.csv)',
      );
    }
    const part = await request.file({ limits: { fileSize: MAX_SUPPRESSION_CSV_BYTES } });
    if (!part) throw new BadRequestException('the upload has no file part: add the CSV file');
    return this.suppressions.import(part.file, query.reason, query.note ?? null);
  }

  @Delete(':suppressionId')
  @HttpCode(204)
  @RequirePermission('suppressions:write')
  remove(@Param('suppressionId', ParseUUIDPipe) id: string): Promise<void> {
    return this.suppressions.remove(id);
  }
}
