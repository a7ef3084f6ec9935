import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { RunningDatabase, startEmbeddedFerretDb } from './embedded/embedded-ferretdb';

/** The MongoDB server in use: MONGODB_URI, or an embedded FerretDB started (and stopped) with the service. */
@Injectable()
export class DatabaseServer implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseServer.name);
  private embedded?: RunningDatabase;

  constructor(private readonly config: AppConfig) {}

  async uri(): Promise<string> {
    if (this.config.MONGODB_URI !== undefined) return this.config.MONGODB_URI;
    if (this.embedded === undefined) {
      this.logger.log(`MONGODB_URI is unset: starting embedded FerretDB (SQLite) under ${this.config.DATA_DIR}`);
      this.embedded = await startEmbeddedFerretDb(this.config.DATA_DIR, (message) => this.logger.log(message));
      this.logger.log(`Embedded FerretDB listening at ${this.embedded.uri}`);
    }
    return this.embedded.uri;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}
