import { createServer, type Server, type Socket } from 'node:net';
import { DovecotServer, freePort } from '@outreach/devstack';
import { ImapFlow } from 'imapflow';
import { findInSentFolder, type ImapSettings } from '../src/sent-folder.js';

const PASSWORD = 'imap s3cret pass';

function message(messageId: string, subject: string): string {
  return [
    'From: Alice <alice@sender.example.fr>',
    'To: Bob <bob@prospect.example.fr>',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Mon, 05 Jan 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Bonjour Bob,',
    '',
  ].join('\r\n');
}

function login(server: DovecotServer, username: string): ImapSettings {
  return { host: server.host, port: server.port, security: 'none', username, password: PASSWORD };
}

/** Runs `work` with a logged-in imapflow client (the test's own hands on the mailbox). */
async function withClient(
  settings: ImapSettings,
  work: (client: ImapFlow) => Promise<void>,
): Promise<void> {
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: settings.username, pass: settings.password },
    logger: false,
  });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.logout();
  }
}

describe('findInSentFolder against a real Dovecot', () => {
  describe('a server whose users have a \\Sent folder', () => {
    let server: DovecotServer;
    let box: ImapSettings;

    beforeAll(async () => {
      server = new DovecotServer({
        port: await freePort(),
        users: [{ username: 'box@imap.test', password: PASSWORD }],
        sentFolder: 'Sent',
      });
      await server.start();
      box = login(server, 'box@imap.test');
      await withClient(box, async (client) => {
        const sent = (await client.list()).find((folder) => folder.flags.has('\\Sent'));
        expect(sent?.path).toBe('Sent');
        await client.append('Sent', message('<sent-1@sender.example.fr>', 'Premier contact'));
        await client.append('Sent', message('<long-2@sender.example.fr.extra>', 'Autre'));
        await client.append('INBOX', message('<inbox-3@sender.example.fr>', 'Reçu'));
      });
    });

    afterAll(async () => {
      await server.stop();
    });

    it('finds a message appended to Sent by its Message-ID, with or without angle brackets', async () => {
      await expect(findInSentFolder(box, '<sent-1@sender.example.fr>')).resolves.toBe('found');
      await expect(findInSentFolder(box, 'sent-1@sender.example.fr')).resolves.toBe('found');
    });

    it('answers absent for a Message-ID that is not there, nor only a prefix of one that is', async () => {
      await expect(findInSentFolder(box, '<never-sent@sender.example.fr>')).resolves.toBe('absent');
      await expect(findInSentFolder(box, '<long-2@sender.example.fr>')).resolves.toBe('absent');
    });

    it('answers absent for a message that is only in INBOX', async () => {
      await expect(findInSentFolder(box, '<inbox-3@sender.example.fr>')).resolves.toBe('absent');
    });

    it('throws the server’s refusal of a wrong password, without the password', async () => {
      const wrong = { ...box, password: 'wrong-password-123' };
      const failure = findInSentFolder(wrong, '<sent-1@sender.example.fr>');
      await expect(failure).rejects.toThrow(
        new RegExp(
          `IMAP 127\\.0\\.0\\.1:${server.port} \\(box@imap\\.test\\): .*(AUTHENTICATIONFAILED|Authentication failed)`,
          'i',
        ),
      );
      await expect(failure).rejects.not.toThrow('wrong-password-123');
    });

    it('refuses what is not a Message-ID before connecting', async () => {
      await expect(findInSentFolder(box, 'no at sign')).rejects.toThrow(
        'not a Message-ID: "no at sign" (expected <local@domain>, no spaces)',
      );
      await expect(findInSentFolder(box, '<a@b>\r\nX: y')).rejects.toThrow('not a Message-ID');
    });
  });

  describe('a server without a \\Sent folder', () => {
    let server: DovecotServer;

    beforeAll(async () => {
      server = new DovecotServer({
        port: await freePort(),
        users: [
          { username: 'bare@imap.test', password: PASSWORD },
          { username: 'french@imap.test', password: PASSWORD },
        ],
      });
      await server.start();
      await withClient(login(server, 'bare@imap.test'), async (client) => {
        await client.mailboxCreate('Archive');
        await client.append('Archive', message('<archived-1@sender.example.fr>', 'Archivé'));
      });
      await withClient(login(server, 'french@imap.test'), async (client) => {
        await client.mailboxCreate('Éléments envoyés');
        await client.append('Éléments envoyés', message('<fr-1@sender.example.fr>', 'Bonjour'));
      });
    });

    afterAll(async () => {
      await server.stop();
    });

    it('answers no_sent_folder when no folder is flagged or named as a Sent folder', async () => {
      const bare = login(server, 'bare@imap.test');
      await expect(findInSentFolder(bare, '<archived-1@sender.example.fr>')).resolves.toBe(
        'no_sent_folder',
      );
    });

    it('falls back to a folder named as a Sent folder (Éléments envoyés)', async () => {
      const french = login(server, 'french@imap.test');
      await expect(findInSentFolder(french, '<fr-1@sender.example.fr>')).resolves.toBe('found');
      await expect(findInSentFolder(french, '<fr-2@sender.example.fr>')).resolves.toBe('absent');
    });

    it('throws a connection error naming the server once Dovecot is stopped', async () => {
      const french = login(server, 'french@imap.test');
      await server.stop();
      await expect(findInSentFolder(french, '<fr-1@sender.example.fr>')).rejects.toThrow(
        new RegExp(
          `IMAP 127\\.0\\.0\\.1:${server.port} \\(french@imap\\.test\\): .*(ECONNREFUSED|refused)`,
          'i',
        ),
      );
    });
  });

  describe('a server that accepts the connection and never greets', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      silent = createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        silent.close(() => {
          resolve();
        }),
      );
    });

    it('gives up after timeoutMs with an error that says so', async () => {
      const settings: ImapSettings = {
        host: '127.0.0.1',
        port,
        security: 'none',
        username: 'box@imap.test',
        password: PASSWORD,
      };
      await expect(
        findInSentFolder(settings, '<x@sender.example.fr>', { timeoutMs: 500 }),
      ).rejects.toThrow(/timed out|timeout/i);
    });
  });
});
