export { findInSentFolder, SENT_FOLDER_NAMES } from './sent-folder.js';
export type { ImapSettings, SentFolderAnswer, SentFolderOptions } from './sent-folder.js';
