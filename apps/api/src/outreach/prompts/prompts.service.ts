import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page, Prompt } from '@outreach/db';
import { TenantDatabase } from '@outreach/tenancy';
import type { CreatePromptDto } from './dto/create-prompt.dto.js';
import type { ListPromptsQuery } from './dto/list-prompts.query.js';

/** Prompts are insert-only: creating one adds the next version of its name. */
@Injectable()
export class PromptsService {
  constructor(private readonly database: TenantDatabase) {}

  create(body: CreatePromptDto): Promise<Prompt> {
    return this.database
      .repositories()
      .promptVersions.createVersion(this.database.organisationId(), body);
  }

  list(query: ListPromptsQuery): Promise<Page<Prompt>> {
    const { cursor, limit, sort, direction, name } = query;
    return this.database.repositories().prompts.list(this.database.organisationId(), {
      cursor,
      limit,
      sort,
      direction,
      filters: { name },
    });
  }

  async get(promptId: string): Promise<Prompt> {
    const prompt = await this.database
      .repositories()
      .prompts.find(this.database.organisationId(), promptId);
    if (!prompt) throw new NotFoundException('prompt not found');
    return prompt;
  }
}
