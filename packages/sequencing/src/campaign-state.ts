/** The statuses of outreach.campaigns (its CHECK constraint), in lifecycle order. */
export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'completed', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** What a user can do to a campaign (one route each: `POST campaigns/:id/<action>`). */
export const CAMPAIGN_ACTIONS = ['activate', 'pause', 'resume', 'complete', 'archive'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/**
 * The campaign state machine, `from → action → to`:
 * - draft: `activate` (→ active, sending starts) or `archive` (→ archived, shelved unused);
 * - active: `pause` (→ paused, nothing is sent) or `complete` (→ completed, ends for good);
 * - paused: `resume` (→ active), `complete` (→ completed) or `archive` (→ archived);
 * - completed: `archive` (→ archived);
 * - archived: nothing (terminal; read-only history).
 * An active campaign is never archived directly: pause or complete it first, so archiving never
 * silently stops a campaign that is sending.
 */
const TRANSITIONS: Readonly<
  Record<CampaignStatus, Partial<Record<CampaignAction, CampaignStatus>>>
> = {
  draft: { activate: 'active', archive: 'archived' },
  active: { pause: 'paused', complete: 'completed' },
  paused: { resume: 'active', complete: 'completed', archive: 'archived' },
  completed: { archive: 'archived' },
  archived: {},
};

/** An action the campaign's status does not allow; names the actions that it does. */
export class InvalidCampaignTransitionError extends Error {
  override readonly name = 'InvalidCampaignTransitionError';

  constructor(
    readonly status: CampaignStatus,
    readonly action: string,
    readonly allowed: readonly CampaignAction[],
  ) {
    super(
      `cannot ${action} a campaign that is ${status}: ${
        allowed.length === 0
          ? `an ${status} campaign allows no action`
          : `allowed actions: ${allowed.join(', ')}`
      }`,
    );
  }
}

/** The actions allowed from `status`, in CAMPAIGN_ACTIONS order. */
export function allowedActions(status: CampaignStatus): CampaignAction[] {
  const next = TRANSITIONS[status];
  return CAMPAIGN_ACTIONS.filter((action) => next[action] !== undefined);
}

/** The status `action` leads to from `status`; throws InvalidCampaignTransitionError otherwise. */
export function transition(status: CampaignStatus, action: CampaignAction): CampaignStatus {
  const next = TRANSITIONS[status][action];
  if (next === undefined) {
    throw new InvalidCampaignTransitionError(status, action, allowedActions(status));
  }
  return next;
}

/** Whether the action (re)starts sending, so the campaign must pass the activation checks. */
export function startsSending(action: CampaignAction): boolean {
  return action === 'activate' || action === 'resume';
}

/**
 * Steps (and the campaign's sending settings) may change while nothing is being sent from them:
 * in a draft or a paused campaign. An active campaign is paused first (resuming re-runs the
 * activation checks); a completed or archived one is history.
 */
export function stepsEditable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'paused';
}

/** Only a campaign that never sent (draft) or has been archived may be deleted. */
export function deletable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'archived';
}
