/** One request for a tracking pixel, as the recorder receives it. */
export interface PixelOpen {
  /** The token from the URL, unvalidated (it may be bogus). */
  token: string;
  openedAt: Date;
  userAgent: string | undefined;
  /** Client address as fastify sees it (behind a proxy: configure trustProxy first). */
  ip: string;
  /** A prefetch / preview hint (`Purpose`, `Sec-Purpose`, `X-Purpose`, `X-Moz`), if any. */
  purpose: string | undefined;
}
