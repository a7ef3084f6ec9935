import { sign } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { jwtSecret } from '../src/common/auth/jwt-secret';
import { parseClaims, Principal } from '../src/common/auth/principal';
import { JWT_ALGORITHMS } from '../src/common/auth/token-verifier';
import { loadConfig } from '../src/common/config/app-config';

/**
 * Prints a token signed with JWT_SECRET, or else with the secret the service keeps in
 * DATA_DIR/jwt-secret (generated here if the service has not started yet):
 *   npm run token -- --role viewer --env prod
 *   npm run token -- --role agent --env prod --agent host-1 --agent host-2 --expires 8760h
 * Options: --role (repeatable), --env (repeatable, "*" for all), --sub, --agent
 * (repeatable: agent ids an agent token may ingest for), --expires in hours (default 24h;
 * at most TOKEN_MAX_LIFETIME_HOURS unless the only role is agent). Every token gets a random
 * `jti` (printed on stderr) by which it can be revoked, and JWT_ISSUER / JWT_AUDIENCE when set.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      sub: { type: 'string' },
      agent: { type: 'string', multiple: true },
      expires: { type: 'string', default: '24h' },
    },
  });
  const claims = parseClaims({
    sub: values.sub ?? `dev-${(values.role ?? ['user']).join('-')}`,
    roles: values.role ?? [],
    environments: values.env ?? [],
    agentIds: values.agent,
    jti: randomUUID(),
  });
  if (typeof claims === 'string') fail(`${claims}. Usage: npm run token -- --role viewer --env prod`);
  const hours = /^(\d+(?:\.\d+)?)h?$/.exec(values.expires)?.[1];
  if (hours === undefined) fail(`--expires must be a number of hours, like 24h (got "${values.expires}")`);
  const config = loadConfig();
  if (!new Principal(claims).agentOnly && Number(hours) > config.TOKEN_MAX_LIFETIME_HOURS) {
    fail(`--expires ${hours}h is longer than TOKEN_MAX_LIFETIME_HOURS (${config.TOKEN_MAX_LIFETIME_HOURS}) allows for user tokens`);
  }
  const token = sign({ ...claims }, jwtSecret(config).secret, {
    algorithm: JWT_ALGORITHMS[0],
    expiresIn: Math.round(Number(hours) * 3600),
    ...(config.JWT_ISSUER === undefined ? {} : { issuer: config.JWT_ISSUER }),
    ...(config.JWT_AUDIENCE === undefined ? {} : { audience: config.JWT_AUDIENCE }),
  });
  console.error(`jti ${claims.jti}`);
  console.log(token);
}

function fail(message: string): never {
  console.error(`Cannot mint: ${message}`);
  process.exit(2);
}

main();
