import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as JsonLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureHttp } from './app.setup';
import { jwtSecret } from './common/auth/jwt-secret';
import { ConfigError, loadConfig } from './common/config/app-config';
import { redactSecrets } from './common/logging/redact';
import { classifierSettingsOf } from './heartbeat/classifier-config';
import { EmbeddedDatabaseError } from './storage/embedded/embedded-ferretdb';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // The detector's variables are checked by the heartbeat module: here too, so a bad one stops the process with its message, not inside Nest.
  classifierSettingsOf(config);
  // Logs from the start are held until the JSON logger is up, so every line is JSON.
  const app = await NestFactory.create(AppModule, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  const logger = new Logger('Vitals');
  // Resolved here too (the AuthModule reads the same file), so the log says where the secret comes from.
  const { source } = jwtSecret(config);
  if (config.JWT_SECRET === undefined) logger.log(`JWT_SECRET is unset: tokens are signed with the secret kept in ${source} (npm run token reads it)`);
  configureHttp(app);
  await app.listen(config.PORT, config.HOST);
  logger.log(`Vitals listening on http://${config.HOST}:${config.PORT}/graphql`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseError) {
    console.error(redactSecrets(error.message));
  } else {
    console.error(redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  }
  process.exit(1);
});
