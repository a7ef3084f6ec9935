import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', MONGODB_URI: undefined, JWT_SECRET: undefined, TOKEN_MAX_LIFETIME_HOURS: 24 });
  });

  it('parses numbers and keeps valid values', () => {
    const config = loadConfig({ PORT: '8080', MONGODB_URI: 'mongodb://db:27017/x', JWT_SECRET: 's'.repeat(32), RETENTION_RAW_HOURS: '48' });
    expect(config).toMatchObject({ PORT: 8080, MONGODB_URI: 'mongodb://db:27017/x', RETENTION_RAW_HOURS: 48 });
    expect(config.JWT_SECRET).toBe('s'.repeat(32));
  });

  it('names every bad variable in one error, hiding the secret', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://x', JWT_SECRET: 'short', PARTITION_GROUP_LABELS: 'region,,zone' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT="eighty"/);
    expect(message).toMatch(/MONGODB_URI="http:\/\/x": MONGODB_URI must be a mongodb/);
    expect(message).toMatch(/JWT_SECRET=<hidden>: JWT_SECRET must be at least 16 characters/);
    expect(message).toMatch(/PARTITION_GROUP_LABELS="region,,zone": PARTITION_GROUP_LABELS must be comma-separated label names/);
    expect(message).not.toMatch(/short/);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required when NODE_ENV=production/);
  });

  it('turns introspection off by default in production only, and lets GRAPHQL_INTROSPECTION decide', () => {
    const secret = { JWT_SECRET: 's'.repeat(32) };
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', ...secret }).introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'yes' })).toThrow(/GRAPHQL_INTROSPECTION="yes": GRAPHQL_INTROSPECTION must be true or false/);
  });
});
