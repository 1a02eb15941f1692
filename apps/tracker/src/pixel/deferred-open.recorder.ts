import { Injectable, Logger } from '@nestjs/common';
import { OpenRecorder } from './open-recorder.js';
import type { PixelOpen } from './pixel-open.js';

/**
 * Placeholder binding until recording opens is implemented (a later issue; the tracking
 * tables already exist): it stores nothing and says so at debug level, so no open is
 * silently claimed as recorded.
 */
@Injectable()
export class DeferredOpenRecorder extends OpenRecorder {
  private readonly logger = new Logger('OpenRecorder');

  record(open: PixelOpen): Promise<void> {
    this.logger.debug(`pixel open not recorded (recording not implemented): ${open.token}`);
    return Promise.resolve();
  }
}
