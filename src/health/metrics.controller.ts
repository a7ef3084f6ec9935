import { Controller, Get, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/requires.decorator';
import { AppConfig } from '../common/config/app-config';
import { Metrics } from '../common/metrics/metrics';

/**
 * `/metrics` in the Prometheus text format, for a scraper holding METRICS_TOKEN
 * (`authorization: Bearer <METRICS_TOKEN>`, Prometheus' `authorization` scrape setting).
 * Closed (404) while METRICS_TOKEN is unset.
 */
// Public to the JWT guard: the scraper holds METRICS_TOKEN, checked here, not a user token.
@Public()
@Controller()
export class MetricsController {
  private readonly expected?: Buffer;

  constructor(
    config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.expected = config.METRICS_TOKEN === undefined ? undefined : digest(`Bearer ${config.METRICS_TOKEN}`);
  }

  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (this.expected === undefined) throw new NotFoundException('/metrics is off: set METRICS_TOKEN to serve it');
    // Digests of equal length, compared in constant time: the answer's timing tells nothing of the token.
    if (authorization === undefined || !timingSafeEqual(digest(authorization), this.expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new UnauthorizedException('/metrics needs authorization: Bearer <METRICS_TOKEN>');
    }
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();
