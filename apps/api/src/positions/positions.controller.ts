import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Position, Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy';
import { PositionsService } from './positions.service.js';
import { CreatePositionDto } from './dto/create-position.dto.js';
import { ListPositionsQuery } from './dto/list-positions.query.js';
import { UpdatePositionDto } from './dto/update-position.dto.js';

@ApiTags('positions')
@ApiBearerAuth()
@Controller('organisations/:organisationId/positions')
export class PositionsController {
  constructor(private readonly positions: PositionsService) {}

  @Post()
  @RequirePermission('positions:write')
  create(@Body() body: CreatePositionDto): Promise<Position> {
    return this.positions.create(body);
  }

  @Get()
  @RequirePermission('positions:read')
  list(@Query() query: ListPositionsQuery): Promise<Page<Position>> {
    const { cursor, limit, sort, direction, ...filters } = query;
    return this.positions.list({ cursor, limit, sort, direction, filters });
  }

  @Get(':positionId')
  @RequirePermission('positions:read')
  get(@Param('positionId', ParseUUIDPipe) id: string): Promise<Position> {
    return this.positions.get(id);
  }

  @Patch(':positionId')
  @RequirePermission('positions:write')
  update(
    @Param('positionId', ParseUUIDPipe) id: string,
    @Body() body: UpdatePositionDto,
  ): Promise<Position> {
    return this.positions.update(id, body);
  }

  @Delete(':positionId')
  @HttpCode(204)
  @RequirePermission('positions:write')
  remove(@Param('positionId', ParseUUIDPipe) id: string): Promise<void> {
    return this.positions.remove(id);
  }
}
