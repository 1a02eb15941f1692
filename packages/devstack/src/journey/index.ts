export { ApiClient, JourneyApiError } from './api-client.js';
export { appendToInbox } from './imap-append.js';
export type { ImapLogin } from './imap-append.js';
export {
  APPLE_PROXY_USER_AGENT,
  PERSON_USER_AGENT,
  autoReply,
  bounceReport,
  humanReply,
  loadPixel,
  mailLinks,
  unsubscribeOneClick,
} from './recipient.js';
export type { MailLinks, Original } from './recipient.js';
export { roundTheClock, runJourney, STEP_DELAYS, waitFor } from './journey.js';
export type {
  ActedMessage,
  CampaignExperiments,
  CampaignStats,
  Rate,
  StatsFigures,
  JourneyActions,
  JourneyMailbox,
  JourneyMessage,
  JourneyOptions,
  JourneyResult,
  OpenFigures,
  OpenStats,
} from './journey.js';
export { actionsSummary, statsReport, table, verdictReport } from './report.js';
