import { DataSource } from 'typeorm';
import { assertServiceReachable, testDatabaseUrl } from './services';
import { uniqueName } from './unique-name';

export interface TestSchema {
  readonly dataSource: DataSource;
  /** A fresh schema, unique to this test file's run. */
  readonly schema: string;
  /** Drops the schema and closes the pool. */
  drop(): Promise<void>;
}

/**
 * A uniquely named schema on the real test Postgres, with `ddl(schema)` applied, and a small pool.
 * Throws a clear error when Postgres is down; never skips.
 */
export async function createTestSchema(
  prefix: string,
  ddl: (schema: string) => readonly string[] = () => [],
  { url = testDatabaseUrl(), poolSize = 4 }: { url?: string; poolSize?: number } = {},
): Promise<TestSchema> {
  await assertServiceReachable('Postgres', url);
  const schema = uniqueName(prefix);
  const dataSource = new DataSource({ type: 'postgres', url, extra: { max: poolSize } });
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of ddl(schema)) await dataSource.query(statement);
  } catch (error) {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await dataSource.destroy();
    throw error;
  }
  return {
    dataSource,
    schema,
    drop: async () => {
      try {
        await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await dataSource.destroy();
      }
    },
  };
}
