import { Controller, Get, SetMetadata } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service.js';

/** Public: `GET /health/live` and `GET /health/ready` (503 while a dependency is down). */
@Controller('health')
// Explicitly public for @outreach/tenancy's global AuthGuard (its IS_PUBLIC_KEY is this key).
@SetMetadata('outreach:public', true)
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.readiness.live();
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.readiness.ready();
  }
}
