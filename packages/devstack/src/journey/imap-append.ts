import { connect, type Socket } from 'node:net';

export interface ImapLogin {
  host: string;
  port: number;
  username: string;
  password: string;
}

const quote = (value: string): string =>
  `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * Delivers a raw message into a mailbox's INBOX as a mail server would (plain IMAP: LOGIN, then
 * APPEND with a synchronising literal, then LOGOUT). For the local Dovecot of the stack and the
 * tests; any tagged answer other than OK rejects with the server's line.
 */
export async function appendToInbox(login: ImapLogin, raw: string): Promise<void> {
  const socket = connect({ host: login.host, port: login.port });
  socket.setTimeout(10_000, () => socket.destroy(new Error('IMAP server did not answer in 10 s')));
  const lines = lineReader(socket);
  try {
    await lines.expect((line) => line.startsWith('* OK'), 'greeting');
    await command(socket, lines, 'a1', `LOGIN ${quote(login.username)} ${quote(login.password)}`);
    const bytes = Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8');
    socket.write(`a2 APPEND INBOX {${bytes.length}}\r\n`);
    await lines.expect((line) => line.startsWith('+'), 'APPEND continuation');
    socket.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
    await tagged(lines, 'a2');
    await command(socket, lines, 'a3', 'LOGOUT');
  } finally {
    socket.destroy();
  }
}

async function command(
  socket: Socket,
  lines: ReturnType<typeof lineReader>,
  tag: string,
  text: string,
): Promise<void> {
  socket.write(`${tag} ${text}\r\n`);
  await tagged(lines, tag);
}

async function tagged(lines: ReturnType<typeof lineReader>, tag: string): Promise<void> {
  const line = await lines.expect((candidate) => candidate.startsWith(`${tag} `), tag);
  if (!line.startsWith(`${tag} OK`)) throw new Error(`IMAP server refused: ${line}`);
}

/** Lines from the server, awaited one condition at a time (untagged lines are skipped). */
function lineReader(socket: Socket): {
  expect: (match: (line: string) => boolean, what: string) => Promise<string>;
} {
  let buffer = '';
  const queue: string[] = [];
  let waiter: (() => void) | undefined;
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end = buffer.indexOf('\r\n');
    while (end >= 0) {
      queue.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\r\n');
    }
    waiter?.();
  });
  const fail = (error: Error): void => {
    failure = error;
    waiter?.();
  };
  socket.on('error', fail);
  socket.on('close', () => {
    fail(new Error('IMAP connection closed'));
  });
  return {
    async expect(match, what) {
      for (;;) {
        const line = queue.shift();
        if (line !== undefined) {
          if (match(line)) return line;
          continue;
        }
        if (failure) throw new Error(`${failure.message} (waiting for ${what})`);
        await new Promise<void>((resolve) => (waiter = resolve));
        waiter = undefined;
      }
    },
  };
}
