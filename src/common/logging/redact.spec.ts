import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('masks the password of connection strings wherever they are in a text', () => {
    expect(redactSecrets('MONGODB_URI="mongo://admin:s3cret@db:27017/x": must be a mongodb:// URI')).toBe(
      'MONGODB_URI="mongo://admin:***@db:27017/x": must be a mongodb:// URI',
    );
    expect(redactSecrets('a redis://:hunter2@cache:6379 and mongodb+srv://u:p@h.example/db')).toBe(
      'a redis://:***@cache:6379 and mongodb+srv://u:***@h.example/db',
    );
  });

  it('masks a password holding an unescaped @ whole', () => {
    expect(redactSecrets('mongodb://admin:p@ss@db/x')).toBe('mongodb://admin:***@db/x');
  });

  it('leaves texts without userinfo alone', () => {
    for (const text of ['mongodb://db:27017/?replicaSet=rs0', 'user@example.com', 'see http://host/a@b', 'no uri']) expect(redactSecrets(text)).toBe(text);
  });
});
