import { PickType } from '@nestjs/swagger';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

/** Steps come in step order; a page is `?limit=` long and `?cursor=` continues. */
export class ListStepsQuery extends PickType(PageQueryDto, ['cursor', 'limit'] as const) {}
