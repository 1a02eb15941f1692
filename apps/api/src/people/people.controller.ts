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
import type { Page, Person } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy';
import { CreatePersonDto } from './dto/create-person.dto.js';
import { ListPeopleQuery } from './dto/list-people.query.js';
import { UpdatePersonDto } from './dto/update-person.dto.js';
import { PeopleService } from './people.service.js';

@ApiTags('people')
@ApiBearerAuth()
@Controller('organisations/:organisationId/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @RequirePermission('people:write')
  create(@Body() body: CreatePersonDto): Promise<Person> {
    return this.people.create(body);
  }

  @Get()
  @RequirePermission('people:read')
  list(@Query() query: ListPeopleQuery): Promise<Page<Person>> {
    const { cursor, limit, sort, direction, ...filters } = query;
    return this.people.list({ cursor, limit, sort, direction, filters });
  }

  @Get(':personId')
  @RequirePermission('people:read')
  get(@Param('personId', ParseUUIDPipe) id: string): Promise<Person> {
    return this.people.get(id);
  }

  @Patch(':personId')
  @RequirePermission('people:write')
  update(
    @Param('personId', ParseUUIDPipe) id: string,
    @Body() body: UpdatePersonDto,
  ): Promise<Person> {
    return this.people.update(id, body);
  }

  @Delete(':personId')
  @HttpCode(204)
  @RequirePermission('people:write')
  remove(@Param('personId', ParseUUIDPipe) id: string): Promise<void> {
    return this.people.remove(id);
  }
}
