import IORedis from 'ioredis';
import { Client } from 'pg';

/**
 * Drops the run's database and its Redis keys. It reads the variables global-setup.ts set
 * rather than loadConfig: jest loads this file without its module mapper, so nothing here
 * may import a lib that imports another by its alias (@app/config imports @app/domain).
 */
export default async function globalTeardown(): Promise<void> {
  if (!process.env.CA_TEST_RUN_ID || !process.env.DATABASE_URL || !process.env.QUEUE_PREFIX) return;
  const config = { databaseUrl: process.env.DATABASE_URL, queuePrefix: process.env.QUEUE_PREFIX, redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379' };
  const admin = new URL(config.databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
