import { PartialType } from '@nestjs/swagger';
import { CreateCompanyDto } from './create-company.dto.js';

/** Any subset of the company's fields; null clears an optional one. */
export class UpdateCompanyDto extends PartialType(CreateCompanyDto) {}
