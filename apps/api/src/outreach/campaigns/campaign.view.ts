import type { Campaign } from '@outreach/db';
import { allowedActions, type CampaignAction } from '@outreach/sequencing';

/** A campaign as the api answers it: times as HH:MM, and what can be done to it next. */
export type CampaignView = Omit<Campaign, 'mailbox'> & { allowedActions: CampaignAction[] };

export function campaignView(campaign: Campaign): CampaignView {
  return {
    // The entity is a plain data holder: its own fields are the answer.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    ...campaign,
    sendingWindowStart: campaign.sendingWindowStart.slice(0, 5),
    sendingWindowEnd: campaign.sendingWindowEnd.slice(0, 5),
    allowedActions: allowedActions(campaign.status),
  };
}
