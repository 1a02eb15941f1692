import {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_STATUSES,
  InvalidCampaignTransitionError,
  allowedActions,
  deletable,
  startsSending,
  stepsEditable,
  transition,
  type CampaignAction,
  type CampaignStatus,
} from './campaign-state.js';

describe('campaign state machine', () => {
  it.each<[CampaignStatus, CampaignAction, CampaignStatus]>([
    ['draft', 'activate', 'active'],
    ['draft', 'archive', 'archived'],
    ['active', 'pause', 'paused'],
    ['active', 'complete', 'completed'],
    ['paused', 'resume', 'active'],
    ['paused', 'complete', 'completed'],
    ['paused', 'archive', 'archived'],
    ['completed', 'archive', 'archived'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(transition(from, action)).toBe(to);
  });

  it('refuses every other pair, naming the allowed actions', () => {
    let refused = 0;
    for (const status of CAMPAIGN_STATUSES) {
      for (const action of CAMPAIGN_ACTIONS) {
        if (allowedActions(status).includes(action)) continue;
        refused += 1;
        try {
          transition(status, action);
          throw new Error(`${status} ${action} was allowed`);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCampaignTransitionError);
          const typed = error as InvalidCampaignTransitionError;
          expect(typed.allowed).toEqual(allowedActions(status));
          expect(typed.message).toContain(`cannot ${action} a campaign that is ${status}`);
          for (const allowed of typed.allowed) expect(typed.message).toContain(allowed);
        }
      }
    }
    expect(refused).toBe(CAMPAIGN_STATUSES.length * CAMPAIGN_ACTIONS.length - 8);
  });

  it('lists the allowed actions per status', () => {
    expect(allowedActions('draft')).toEqual(['activate', 'archive']);
    expect(allowedActions('active')).toEqual(['pause', 'complete']);
    expect(allowedActions('paused')).toEqual(['resume', 'complete', 'archive']);
    expect(allowedActions('completed')).toEqual(['archive']);
    expect(allowedActions('archived')).toEqual([]);
  });

  it('says an archived campaign allows nothing', () => {
    expect(() => transition('archived', 'activate')).toThrow(
      'cannot activate a campaign that is archived: an archived campaign allows no action',
    );
  });

  it('marks activate and resume as starting to send', () => {
    expect(CAMPAIGN_ACTIONS.filter(startsSending)).toEqual(['activate', 'resume']);
  });

  it('lets steps change only in draft and paused campaigns', () => {
    expect(CAMPAIGN_STATUSES.filter(stepsEditable)).toEqual(['draft', 'paused']);
  });

  it('deletes only draft and archived campaigns', () => {
    expect(CAMPAIGN_STATUSES.filter(deletable)).toEqual(['draft', 'archived']);
  });
});
