import { Controller, ExecutionContext, ForbiddenException, Get, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { sign } from 'jsonwebtoken';
import { GqlAuthGuard } from './gql-auth.guard';
import { Public, Requires } from './requires.decorator';
import { TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-of-some-length';

@Controller('probe')
class ProbeController {
  @Get('unmarked') unmarked() {}
  @Public() @Get('open') open() {}
  @Requires('administer') @Get('admin') admin() {}
}

@Public()
@Controller('public')
class PublicController {
  @Get() any() {}
}

/** An HTTP ExecutionContext for a route of a controller, as Nest builds it. */
function route(controller: object, handler: string, authorization?: string): ExecutionContext {
  const request = { headers: { authorization } };
  return {
    getType: () => 'http',
    getClass: () => controller.constructor,
    getHandler: () => (controller as Record<string, unknown>)[handler],
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('GqlAuthGuard on HTTP routes', () => {
  const guard = new GqlAuthGuard(new Reflector(), new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24 }));
  const token = (roles: string[]) => `Bearer ${sign({ sub: 'u', roles, environments: ['*'] }, SECRET, { expiresIn: '1h' })}`;
  const probe = new ProbeController();

  it('refuses an unmarked route without a valid token (401), and lets any valid token through', () => {
    expect(() => guard.canActivate(route(probe, 'unmarked'))).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(route(probe, 'unmarked', 'Bearer forged'))).toThrow(UnauthorizedException);
    expect(guard.canActivate(route(probe, 'unmarked', token(['viewer'])))).toBe(true);
  });

  it('opens routes and controllers marked @Public()', () => {
    expect(guard.canActivate(route(probe, 'open'))).toBe(true);
    expect(guard.canActivate(route(new PublicController(), 'any'))).toBe(true);
  });

  it("checks a route's @Requires (403)", () => {
    expect(() => guard.canActivate(route(probe, 'admin', token(['operator'])))).toThrow(ForbiddenException);
    expect(guard.canActivate(route(probe, 'admin', token(['admin'])))).toBe(true);
  });
});
