import { loadConfig } from '../../../config/src';
import IORedis from 'ioredis';
import { Client } from 'pg';

/** Drops the run's database and its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  if (!process.env.CA_TEST_RUN_ID) return;
  const config = loadConfig(process.env);
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
