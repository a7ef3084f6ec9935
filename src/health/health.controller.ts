import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

/** Service liveness and readiness for load balancers and orchestrators (no auth). */
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready only while the database answers a ping. */
  @Get('ready')
  async ready(): Promise<{ status: string; database: string }> {
    try {
      const db = this.connection.db;
      if (db === undefined) throw new Error('not connected');
      await db.admin().ping({ maxTimeMS: 2000 });
      return { status: 'ok', database: 'up' };
    } catch (error) {
      throw new ServiceUnavailableException({ status: 'unavailable', database: 'down', reason: (error as Error).message });
    }
  }
}
