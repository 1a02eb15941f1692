import { Controller, Get, Header } from '@nestjs/common';
import { TrackerMetrics } from './tracker-metrics.js';

/**
 * `GET /metrics`: Prometheus text. For the scraper on the internal network only; the public
 * ingress routes `/p/` and `/u/` alone.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TrackerMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
