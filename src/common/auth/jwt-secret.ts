import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError } from '../config/app-config';

/** The file under DATA_DIR that keeps the secret generated at first start. */
export const SECRET_FILE = 'jwt-secret';

/**
 * The HS256 key: JWT_SECRET, or else a random one generated at first start and kept in
 * DATA_DIR/jwt-secret (mode 0600), reused afterwards and read by `npm run token`. No key in
 * the repository is ever accepted. Created by a hard link of a complete temporary file, so
 * two processes starting together agree on one secret.
 */
export function jwtSecret(config: Pick<AppConfig, 'JWT_SECRET' | 'DATA_DIR'>): { secret: string; source: string } {
  if (config.JWT_SECRET !== undefined) return { secret: config.JWT_SECRET, source: 'JWT_SECRET' };
  const path = join(config.DATA_DIR, SECRET_FILE);
  try {
    return { secret: read(path), source: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return { secret: read(path), source: path };
}

function read(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(`${path} holds the token secret but is open to others (mode ${mode.toString(8)}): chmod 600 ${path}`);
  }
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 16) throw new ConfigError(`${path} holds no usable token secret (16+ characters): delete it to generate a new one`);
  return secret;
}
