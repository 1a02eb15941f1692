import { AuthenticationError } from './authentication.error.js';
import { parseBearerHeader } from './bearer.js';

describe('parseBearerHeader', () => {
  it('returns the token of a Bearer header', () => {
    expect(parseBearerHeader('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
  });

  it.each([
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    ['Bearer '],
    ['bearer aaa.bbb.ccc'],
    ['Bearer aaa.bbb'],
    ['Bearer aaa.bbb.ccc extra'],
    ['Token aaa.bbb.ccc'],
  ])('rejects %j as malformed', (header) => {
    expect(() => parseBearerHeader(header)).toThrow(
      new AuthenticationError('malformed Authorization header: expected `Bearer <token>`'),
    );
  });

  it('says the header is missing when it is', () => {
    expect(() => parseBearerHeader(undefined)).toThrow(
      'missing Authorization header: expected `Bearer <token>`',
    );
  });
});
