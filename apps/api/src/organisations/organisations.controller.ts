import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermission, type AuthenticatedUser } from '@outreach/tenancy/http';
import { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import type { OrganisationView } from './organisation.view.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  /** Any authenticated user may create an organisation and becomes its owner. */
  @Post()
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateOrganisationDto,
  ): Promise<OrganisationView> {
    return this.organisations.create(user, body);
  }

  /** The caller's organisations (active memberships) with their role in each, by name. */
  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<OrganisationView[]> {
    return this.organisations.listMine(user);
  }

  @Get(':organisationId')
  @RequirePermission('organisation:read')
  get(): Promise<OrganisationView> {
    return this.organisations.get();
  }

  @Patch(':organisationId')
  @RequirePermission('organisation:write')
  update(@Body() body: UpdateOrganisationDto): Promise<OrganisationView> {
    return this.organisations.update(body);
  }
}
