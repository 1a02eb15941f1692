import { Inject, Injectable } from '@nestjs/common';
import { isTrackingTokenFormat } from '@outreach/db/system';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { TrackerConfig } from '../config/tracker-config.schema.js';
import { OpenRecorder } from '../pixel/open-recorder.js';
import type { PixelOpen } from '../pixel/pixel-open.js';
import { sourceKey, truncatedNetwork } from './ip-address.js';
import { classifyRequest } from './open-classifier.js';
import { OpenBuffer } from './open-buffer.js';
import { SourceRateLimiter } from './source-rate-limiter.js';
import { TrackerMetrics } from './tracker-metrics.js';

const MAX_USER_AGENT = 1_000;

/**
 * Accepts a pixel fetch into the OpenBuffer without any I/O: a token that cannot be one is
 * ignored; a source past its per-minute limits (all pixels, one pixel) in this process is not
 * counted (the flusher then applies the same limits across processes: SharedFloodCheck); the
 * request is classified (headers and address) and only the address's network is kept. The
 * OpenFlusher writes the buffer in batches.
 */
@Injectable()
export class BufferedOpenRecorder extends OpenRecorder {
  readonly #perSource: SourceRateLimiter;
  readonly #perPixelAndSource: SourceRateLimiter;

  constructor(
    @Inject(SERVICE_CONFIG) config: TrackerConfig,
    private readonly buffer: OpenBuffer,
    private readonly metrics: TrackerMetrics,
  ) {
    super();
    this.#perSource = new SourceRateLimiter(config.opens.sourceLimitPerMinute);
    this.#perPixelAndSource = new SourceRateLimiter(config.opens.pixelSourceLimitPerMinute);
  }

  record(open: PixelOpen): Promise<void> {
    this.accept(open);
    return Promise.resolve();
  }

  /** What became of the fetch (also counted in tracker_opens_received_total). */
  accept(open: PixelOpen): 'buffered' | 'malformed' | 'rate_limited' | 'overflow' {
    if (!isTrackingTokenFormat(open.token)) {
      this.metrics.opensReceived.inc({ outcome: 'malformed' });
      return 'malformed';
    }
    const now = open.openedAt.getTime();
    const source = sourceKey(open.ip);
    const bySource = this.#perSource.allow(source, now);
    const byPixel = this.#perPixelAndSource.allow(`${source} ${open.token}`, now);
    if (bySource === 'limited' || byPixel === 'limited') {
      this.metrics.opensReceived.inc({ outcome: 'rate_limited' });
      return 'rate_limited';
    }
    const accepted = this.buffer.push({
      token: open.token,
      openedAt: now,
      classification: classifyRequest(open),
      userAgent: cleanUserAgent(open.userAgent),
      ipNetwork: truncatedNetwork(open.ip),
      source,
      floodChecked: false,
      refusals: 0,
    });
    return accepted ? 'buffered' : 'overflow';
  }
}

/** At most 1 000 characters, without NUL (which PostgreSQL text refuses); null when empty. */
function cleanUserAgent(userAgent: string | undefined): string | null {
  if (userAgent === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const clean = Array.from(userAgent.replace(/\u0000/g, ''))
    .slice(0, MAX_USER_AGENT)
    .join('');
  return clean === '' ? null : clean;
}
