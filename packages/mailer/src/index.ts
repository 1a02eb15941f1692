export { composeMail, InvalidMailError, newMessageId } from './outbound-mail.js';
export type { OutboundMail } from './outbound-mail.js';
export { classifySmtpError, SmtpSendError } from './smtp-send-error.js';
export type { SmtpFailureKind } from './smtp-send-error.js';
export { assertSmtpSettings, SMTP_SECURITY_MODES, smtpTransportOptions } from './smtp-settings.js';
export type {
  DkimSettings,
  SmtpConnectionTuning,
  SmtpSecurity,
  SmtpSettings,
} from './smtp-settings.js';
export { MailboxTransports } from './mailbox-transports.js';
export type { MailboxRef, MailboxTransportsOptions, SendResult } from './mailbox-transports.js';
export { findInSentFolder, imapClientOptions, SENT_FOLDER_NAMES } from './sent-folder.js';
export { describeMailError } from './mail-error.js';
export type { ImapSettings, SentFolderAnswer, SentFolderOptions } from './sent-folder.js';
export { InboundReader, selectInboundFolders } from './inbound-reader.js';
export type { FetchedMessage, InboundReaderOptions, OpenedFolder } from './inbound-reader.js';
