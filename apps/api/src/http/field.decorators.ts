import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';

type Docs = Omit<ApiPropertyOptions, 'required' | 'maxLength'>;

/** Optional non-empty text of at most `maxLength` characters (null clears it on update). */
export function OptionalText(maxLength: number, docs: Docs = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...docs, maxLength } as ApiPropertyOptions),
    IsOptional(),
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
  );
}

/** Optional absolute http(s) URL of at most 2048 characters. */
export function OptionalHttpUrl(docs: Docs = {}): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ ...docs, maxLength: 2048, format: 'uri' } as ApiPropertyOptions),
    IsOptional(),
    IsUrl({ require_protocol: true, protocols: ['http', 'https'] }),
    MaxLength(2048),
  );
}

/** Optional ISO 3166-1 alpha-2 country code. */
export function OptionalCountry(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'FR', description: 'ISO 3166-1 alpha-2' }),
    IsOptional(),
    Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code such as FR' }),
  );
}
