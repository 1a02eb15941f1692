/** A request could not be authenticated; the message tells the caller what is wrong (HTTP 401). */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}
