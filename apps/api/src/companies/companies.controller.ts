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
import type { Company, Page } from '@outreach/db';
import { RequirePermission } from '@outreach/tenancy';
import { CompaniesService } from './companies.service.js';
import { CreateCompanyDto } from './dto/create-company.dto.js';
import { ListCompaniesQuery } from './dto/list-companies.query.js';
import { UpdateCompanyDto } from './dto/update-company.dto.js';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('organisations/:organisationId/companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Post()
  @RequirePermission('companies:write')
  create(@Body() body: CreateCompanyDto): Promise<Company> {
    return this.companies.create(body);
  }

  @Get()
  @RequirePermission('companies:read')
  list(@Query() query: ListCompaniesQuery): Promise<Page<Company>> {
    const { cursor, limit, sort, direction, ...filters } = query;
    return this.companies.list({ cursor, limit, sort, direction, filters });
  }

  @Get(':companyId')
  @RequirePermission('companies:read')
  get(@Param('companyId', ParseUUIDPipe) id: string): Promise<Company> {
    return this.companies.get(id);
  }

  @Patch(':companyId')
  @RequirePermission('companies:write')
  update(
    @Param('companyId', ParseUUIDPipe) id: string,
    @Body() body: UpdateCompanyDto,
  ): Promise<Company> {
    return this.companies.update(id, body);
  }

  @Delete(':companyId')
  @HttpCode(204)
  @RequirePermission('companies:write')
  remove(@Param('companyId', ParseUUIDPipe) id: string): Promise<void> {
    return this.companies.remove(id);
  }
}
