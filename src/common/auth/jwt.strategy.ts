import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { unauthenticated } from '../graphql/errors';
import { parseClaims, Principal } from './principal';

export const JWT_ALGORITHMS = ['HS256'] as const;

/** Verifies `Authorization: Bearer <JWT>` (HS256 with JWT_SECRET) and yields the caller's Principal. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: [...JWT_ALGORITHMS],
      ignoreExpiration: false,
    });
  }

  validate(payload: unknown): Principal {
    const claims = parseClaims(payload);
    if (typeof claims === 'string') throw unauthenticated(`Invalid token: ${claims}`);
    return new Principal(claims);
  }
}
