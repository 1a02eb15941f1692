import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Flips to "shutting down" when Nest starts closing, so readiness answers 503 from then on. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private closing = false;

  get shuttingDown(): boolean {
    return this.closing;
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }
}
