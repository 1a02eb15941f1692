import { PartialType } from '@nestjs/swagger';
import { CreateStepDto } from './create-step.dto.js';

/** Any subset of the step's fields; null clears a template or the prompt. */
export class UpdateStepDto extends PartialType(CreateStepDto) {}
