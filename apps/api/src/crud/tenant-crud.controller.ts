import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  type Type,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type {
  CreateInput,
  OrganisationOwned,
  Page,
  SortDirection,
  UpdateInput,
} from '@outreach/db';
import type { Permission } from '@outreach/tenancy';
import { RequirePermission } from '@outreach/tenancy/http';
import { createValidationPipe } from '../http/validation.pipe.js';
import type { TenantCrudService } from './tenant-crud.service.js';

type Resource = 'companies' | 'people' | 'positions';

/** What a list query carries: page parameters, a sort and the resource's equality filters. */
type ListQuery<E, S extends string, F extends keyof E> = {
  cursor?: string;
  limit?: number;
  direction?: SortDirection;
  sort?: S;
} & { [P in F]?: E[P] };

export interface TenantCrudControllerOptions<
  E extends OrganisationOwned & { id: string },
  S extends string,
  F extends keyof E & string,
> {
  /** Path segment and permission prefix (`companies` → `companies:read` / `companies:write`). */
  resource: Resource;
  /** Name of the id parameter (`companyId`). */
  idParam: string;
  /** Class name in logs and OpenAPI operation ids (`CompaniesController`). */
  name: string;
  service: Type<TenantCrudService<E, 'id', S, F>>;
  createDto: Type<CreateInput<E>>;
  updateDto: Type<UpdateInput<E, 'id'>>;
  listQuery: Type<ListQuery<E, S, F>>;
  /**
   * Query parameters of DELETE (validated with this DTO and passed to `service.remove`), e.g.
   * people's `?erase=true`. Without it DELETE reads no query.
   */
  deleteQuery?: Type<object>;
}

/**
 * The five CRUD routes of one CRM resource under `/organisations/:organisationId/<resource>`,
 * each with its permission. DTO classes are passed in, so each body and query is validated with
 * an explicit pipe (the parameter types here are generic).
 */
export function TenantCrudController<
  E extends OrganisationOwned & { id: string },
  S extends string,
  F extends keyof E & string,
>(options: TenantCrudControllerOptions<E, S, F>): Type {
  const read = `${options.resource}:read` as Permission;
  const write = `${options.resource}:write` as Permission;
  const id = `:${options.idParam}`;
  const deleteQuery: ParameterDecorator = options.deleteQuery
    ? Query(createValidationPipe(options.deleteQuery))
    : () => undefined;
  const deleteQueryDoc: MethodDecorator = options.deleteQuery
    ? ApiQuery({ type: options.deleteQuery })
    : () => undefined;

  @ApiTags(options.resource)
  @ApiBearerAuth()
  @ApiParam({ name: 'organisationId', format: 'uuid' })
  @Controller(`organisations/:organisationId/${options.resource}`)
  class CrudController {
    constructor(
      @Inject(options.service) private readonly service: TenantCrudService<E, 'id', S, F>,
    ) {}

    @Post()
    @RequirePermission(write)
    @ApiBody({ type: options.createDto })
    create(@Body(createValidationPipe(options.createDto)) body: CreateInput<E>): Promise<E> {
      return this.service.create(body);
    }

    @Get()
    @RequirePermission(read)
    @ApiQuery({ type: options.listQuery })
    list(
      @Query(createValidationPipe(options.listQuery)) query: ListQuery<E, S, F>,
    ): Promise<Page<E>> {
      const { cursor, limit, sort, direction, ...filters } = query;
      return this.service.list({
        cursor,
        limit,
        sort,
        direction,
        filters: filters as { [P in F]?: E[P] },
      });
    }

    @Get(id)
    @RequirePermission(read)
    get(@Param(options.idParam, ParseUUIDPipe) key: string): Promise<E> {
      return this.service.get(key);
    }

    @Patch(id)
    @RequirePermission(write)
    @ApiBody({ type: options.updateDto })
    update(
      @Param(options.idParam, ParseUUIDPipe) key: string,
      @Body(createValidationPipe(options.updateDto)) body: UpdateInput<E, 'id'>,
    ): Promise<E> {
      return this.service.update(key, body);
    }

    @Delete(id)
    @HttpCode(204)
    @RequirePermission(write)
    @deleteQueryDoc
    remove(
      @Param(options.idParam, ParseUUIDPipe) key: string,
      @deleteQuery query?: object,
    ): Promise<void> {
      return this.service.remove(key, query);
    }
  }
  Object.defineProperty(CrudController, 'name', { value: options.name });
  return CrudController;
}
