import { sign } from 'jsonwebtoken';
import { parseArgs } from 'node:util';
import { JWT_ALGORITHMS } from '../src/common/auth/token-verifier';
import { parseClaims } from '../src/common/auth/principal';
import { loadConfig } from '../src/common/config/app-config';

/**
 * Prints a development token signed with JWT_SECRET (or the development secret):
 *   npm run token -- --role viewer --env prod
 *   npm run token -- --role agent --env prod --agent host-1 --agent host-2
 * Options: --role (repeatable), --env (repeatable, "*" for all), --sub, --agent
 * (repeatable: agent ids an agent token may ingest for), --expires (default 24h).
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
  });
  if (typeof claims === 'string') {
    console.error(`Cannot mint: ${claims}. Usage: npm run token -- --role viewer --env prod`);
    process.exit(2);
  }
  const secret = loadConfig().jwtSecret;
  console.log(sign({ ...claims }, secret, { algorithm: JWT_ALGORITHMS[0], expiresIn: values.expires as `${number}h` }));
}

main();
