import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OpenSockets } from './connection-auth';
import { jwtSecret } from './jwt-secret';
import { RefusedRequests } from './refused-requests';
import { RequireTokenMiddleware } from './require-token.middleware';
import { RevokedTokens } from './revoked-tokens';
import { TokenVerifier, verifierSettings } from './token-verifier';

/**
 * The one TokenVerifier (for the guard, the WebSocket handshake and the fast paths), the
 * revocation list it consults (filled by the auth-admin module), the open sockets it watches,
 * and the token check in front of HTTP /graphql (reporting what it refuses to RefusedRequests).
 */
@Global()
@Module({
  providers: [
    { provide: RevokedTokens, useFactory: () => new RevokedTokens() },
    { provide: RefusedRequests, useFactory: () => new RefusedRequests() },
    {
      provide: TokenVerifier,
      useFactory: (config: AppConfig, revoked: RevokedTokens) => new TokenVerifier(verifierSettings(config, jwtSecret(config).secret), revoked),
      inject: [AppConfig, RevokedTokens],
    },
    { provide: OpenSockets, useFactory: (verifier: TokenVerifier) => new OpenSockets(verifier), inject: [TokenVerifier] },
  ],
  exports: [TokenVerifier, RevokedTokens, OpenSockets, RefusedRequests],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequireTokenMiddleware).forRoutes('graphql');
  }
}
