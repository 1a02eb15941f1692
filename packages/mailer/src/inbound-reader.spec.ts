import type { ListResponse } from 'imapflow';
import { selectInboundFolders } from './inbound-reader.js';

function folder(path: string, flags: string[] = [], specialUse?: string): ListResponse {
  const name = path.split('/').pop() ?? path;
  const entry: ListResponse = {
    path,
    pathAsListed: path,
    name,
    delimiter: '/',
    flags: new Set(flags),
    parent: [],
    parentPath: '',
    listed: true,
    subscribed: true,
  };
  if (specialUse) entry.specialUse = specialUse;
  return entry;
}

describe('selectInboundFolders', () => {
  it('reads INBOX first, then bounce-carrying folders; never Sent, Drafts, Trash, Junk or Archive', () => {
    const list = [
      folder('Sent', ['\\Sent'], '\\Sent'),
      folder('Éléments envoyés'),
      folder('Drafts', ['\\Drafts'], '\\Drafts'),
      folder('Brouillons'),
      folder('Trash', ['\\Trash'], '\\Trash'),
      folder('Corbeille'),
      folder('Junk', ['\\Junk'], '\\Junk'),
      folder('Courrier indésirable'),
      folder('Archive', ['\\Archive'], '\\Archive'),
      folder('Bounces'),
      folder('Non remis'),
      folder('Clients/Dupont'),
      folder('[Gmail]', ['\\Noselect']),
      folder('INBOX'),
    ];
    expect(selectInboundFolders(list)).toEqual(['INBOX', 'Bounces', 'Non remis']);
  });

  it('skips a bounce-named folder the server flags as Junk', () => {
    expect(selectInboundFolders([folder('INBOX'), folder('Bounces', ['\\Junk'])])).toEqual([
      'INBOX',
    ]);
  });
});
