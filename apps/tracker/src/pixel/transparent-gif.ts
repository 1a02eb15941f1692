/** The smallest transparent 1x1 GIF (43 bytes). */
export const TRANSPARENT_GIF: Buffer = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  'base64',
);

/** A pixel must be fetched on every open: no cache may keep it. */
export const PIXEL_CACHE_CONTROL = 'no-store, no-cache, must-revalidate, max-age=0';
