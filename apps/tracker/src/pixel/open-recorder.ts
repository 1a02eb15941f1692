import type { PixelOpen } from './pixel-open.js';

/**
 * Records a pixel open. The controller never awaits it and never lets it fail the image.
 * Bound in OpensModule to BufferedOpenRecorder (accepted into a bounded buffer without I/O,
 * written in batches by the OpenFlusher).
 */
export abstract class OpenRecorder {
  abstract record(open: PixelOpen): Promise<void>;
}
