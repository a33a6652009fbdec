import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from '@mnc/observability';
import { METRICS } from '../tokens';

export const HEALTH = Symbol('HEALTH');

/** Liveness, readiness and Prometheus metrics for the process, whatever stages it hosts. */
@Controller()
export class OpsController {
  constructor(
    @Inject(HEALTH) private readonly health: HealthRegistry,
    @Inject(METRICS) private readonly registry: Registry,
  ) {}

  @Get('health/live')
  async live(@Res() response: Response): Promise<void> {
    const report = await this.health.report('liveness');
    response.status(report.status === 'up' ? 200 : 503).json(report);
  }

  @Get('health/ready')
  async ready(@Res() response: Response): Promise<void> {
    const report = await this.health.report('readiness');
    response.status(report.status === 'up' ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() response: Response): Promise<void> {
    response.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
