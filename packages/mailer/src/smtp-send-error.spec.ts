import { classifySmtpError, SmtpSendError } from './smtp-send-error.js';

interface Fields {
  message?: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

function nodemailerError(fields: Fields): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, 'recipient_rejected'],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, 'recipient_rejected'],
    [{ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }, 'transient'],
    [{ code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' }, 'transient'],
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'auth'],
    [{ code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM' }, 'auth'],
    [{ code: 'ENOAUTH' }, 'auth'],
    [{ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' }, 'protocol'],
    [{ code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO' }, 'protocol'],
    [{ code: 'ECONNECTION', command: 'CONN' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'transient'],
    [{ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'protocol'],
    [{ code: 'EPROTOCOL' }, 'protocol'],
    [{}, 'protocol'],
  ] as [Fields, string][])('%j → %s', (fields, kind) => {
    const error = classifySmtpError(nodemailerError(fields));
    expect(error).toBeInstanceOf(SmtpSendError);
    expect(error.kind).toBe(kind);
    expect(error.responseCode).toBe(fields.responseCode ?? null);
  });

  it('cuts the password (and its base64 form) out of the message and the reply', () => {
    const error = classifySmtpError(
      nodemailerError({
        message: 'Invalid login for hunter2 (aHVudGVyMg==)',
        response: '535 hunter2',
        responseCode: 535,
      }),
      ['hunter2'],
    );
    expect(error.message).toBe('auth: Invalid login for *** (***)');
    expect(error.response).toBe('535 ***');
  });

  it('returns an SmtpSendError as it is, and classifies what is not an Error', () => {
    const classified = new SmtpSendError('transient', 'transient: x');
    expect(classifySmtpError(classified)).toBe(classified);
    expect(classifySmtpError('boom').kind).toBe('protocol');
  });
});
