import { PickType } from '@nestjs/swagger';
import { PageQueryDto } from '../../../crud/page-query.dto.js';

/** A step's experiments come oldest first; a page is `?limit=` long and `?cursor=` continues. */
export class ListExperimentsQuery extends PickType(PageQueryDto, ['cursor', 'limit'] as const) {}
