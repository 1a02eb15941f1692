import type { PixelOpen } from './pixel-open.js';

/**
 * Records a pixel open. The controller never awaits it and never lets it fail the image.
 * Bound in PixelModule to DeferredOpenRecorder for now. The tracking tables exist
 * (`tracking.pixels`, `tracking.message_open_stats`); the PostgreSQL implementation (find the
 * organisation from the token's prefix, bump `tracking.message_open_stats`) comes with the
 * later issue that records opens, and replaces the binding.
 */
export abstract class OpenRecorder {
  abstract record(open: PixelOpen): Promise<void>;
}
