import { PartialType } from '@nestjs/swagger';
import { CreateCampaignDto } from './create-campaign.dto.js';

/** Any subset of the campaign's fields; null clears description or mailboxId. */
export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}
