import { Controller, Get, Headers, HttpCode, Logger, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { Public } from '../common/auth/requires.decorator';
import { TokenVerifier } from '../common/auth/token-verifier';

/** Service liveness and readiness for load balancers and orchestrators: open without a token. */
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly verifier: TokenVerifier,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready only while the database answers a ping. Why not is logged, and told only to callers with a valid token (any role). */
  @Get('ready')
  async ready(@Headers('authorization') authorization?: string): Promise<{ status: string; database: string }> {
    try {
      const db = this.connection.db;
      if (db === undefined) throw new Error('not connected');
      await db.admin().ping({ maxTimeMS: 2000 });
      return { status: 'ok', database: 'up' };
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.warn(`Not ready: database ping failed: ${reason}`);
      throw new ServiceUnavailableException({ status: 'unavailable', database: 'down', ...(this.authenticated(authorization) ? { reason } : {}) });
    }
  }

  private authenticated(authorization: string | undefined): boolean {
    try {
      this.verifier.principal(authorization);
      return true;
    } catch {
      return false;
    }
  }
}
