import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtSecret, SECRET_FILE } from './jwt-secret';

describe('jwtSecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vitals-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses JWT_SECRET when set, writing nothing', () => {
    expect(jwtSecret({ JWT_SECRET: 'x'.repeat(20), DATA_DIR: join(dir, 'data') })).toEqual({ secret: 'x'.repeat(20), source: 'JWT_SECRET' });
    expect(() => statSync(join(dir, 'data'))).toThrow();
  });

  it('generates a random secret at first start, in DATA_DIR with mode 0600, and reuses it', () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = jwtSecret({ DATA_DIR: dataDir });
    const file = join(dataDir, SECRET_FILE);
    expect(first).toEqual({ secret: readFileSync(file, 'utf8').trim(), source: file });
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(jwtSecret({ DATA_DIR: dataDir }).secret).toBe(first.secret);
    expect(jwtSecret({ DATA_DIR: join(dir, 'elsewhere') }).secret).not.toBe(first.secret);
  });

  it('refuses a secret file others may read', () => {
    jwtSecret({ DATA_DIR: dir });
    chmodSync(join(dir, SECRET_FILE), 0o644);
    expect(() => jwtSecret({ DATA_DIR: dir })).toThrow(/open to others \(mode 644\): chmod 600/);
  });
});
