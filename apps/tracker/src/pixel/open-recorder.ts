import type { PixelOpen } from './pixel-open.js';

/**
 * Records a pixel open. The controller never awaits it and never lets it fail the image.
 * Bound in PixelModule; the PostgreSQL implementation (find the organisation from the
 * token's prefix, bump `tracking.message_open_stats`) replaces the binding once the
 * tracking tables exist.
 */
export abstract class OpenRecorder {
  abstract record(open: PixelOpen): Promise<void>;
}
