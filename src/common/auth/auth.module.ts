import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TokenVerifier } from './token-verifier';

/** The one TokenVerifier, for the GraphQL guard, the WebSocket handshake and the ingest fast path. */
@Global()
@Module({
  providers: [{ provide: TokenVerifier, useFactory: (config: AppConfig) => new TokenVerifier(config), inject: [AppConfig] }],
  exports: [TokenVerifier],
})
export class AuthModule {}
