import { connect } from 'node:net';
import { DovecotServer } from '../src/dovecot-server.js';
import { freePort } from '../src/ports.js';

/** Sends IMAP lines and collects the answer until the server closes the connection. */
function converse(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.once('connect', () => {
      socket.write(lines.map((line) => `${line}\r\n`).join(''));
    });
    socket.once('error', reject);
    socket.once('close', () => {
      resolve(text);
    });
  });
}

describe('DovecotServer (dovecot-imapd)', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = new DovecotServer({
      port: await freePort(),
      users: [{ username: 'box@imap.test', password: 's3cret pass' }],
    });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('logs in a passwd-file user and refuses a wrong password', async () => {
    const ok = await converse(server.port, ['a LOGIN box@imap.test "s3cret pass"', 'b LOGOUT']);
    expect(ok).toMatch(/a OK .*Logged in/);
    const refused = await converse(server.port, ['a LOGIN box@imap.test wrong', 'b LOGOUT']);
    expect(refused).toMatch(/a NO .*AUTHENTICATIONFAILED/);
  });

  it('refuses a port already in use with one line', async () => {
    const twin = new DovecotServer({ port: server.port, users: [] });
    await expect(twin.start()).rejects.toThrow(`port ${server.port} is already in use`);
  });
});
