import { DataSource, type EntitySchema, type MigrationInterface, type MixedList } from 'typeorm';

/** What one service keeps in the database: its own schema, entities and migrations. */
export interface ServiceStore {
  readonly schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
}

export interface OpenDatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly stores: readonly ServiceStore[];
  /** Shown in pg_stat_activity: which service holds a connection. */
  readonly applicationName: string;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Opens the service's pool, then runs each store's migrations (never `synchronize`), each store tracked in
 * its own `<schema>.migrations` table (TypeORM's layout) so services sharing a database never touch each
 * other's history. Each migration runs in its own transaction under an advisory lock per schema, so two
 * instances of a service starting together migrate once. Everything goes through the one pool, which is
 * also all PGlite allows.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.stores.flatMap((s) => s.entities as unknown[]) as ServiceStore['entities'],
    synchronize: false,
    migrationsRun: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize, connectionTimeoutMillis: 10000 },
  });
  await dataSource.initialize();
  try {
    for (const store of options.stores) await migrate(dataSource, store);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource, store: ServiceStore): Promise<void> {
  if (!SCHEMA_NAME.test(store.schema)) throw new Error(`invalid schema name ${store.schema}`);
  const schema = `"${store.schema}"`;
  const migrations = (store.migrations as (new () => MigrationInterface)[]).map((M) => new M());
  for (const migration of migrations) {
    const name = migration.name ?? migration.constructor.name;
    const timestamp = Number(/(\d{13})$/.exec(name)?.[1]);
    if (!Number.isFinite(timestamp)) throw new Error(`migration ${name} must end in a 13-digit timestamp`);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrations:${store.schema}`]);
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await runner.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.migrations (id serial PRIMARY KEY, timestamp bigint NOT NULL, name text NOT NULL UNIQUE)`,
      );
      const done: unknown[] = await runner.query(`SELECT 1 FROM ${schema}.migrations WHERE name = $1`, [
        name,
      ]);
      if (done.length === 0) {
        await migration.up(runner);
        await runner.query(`INSERT INTO ${schema}.migrations (timestamp, name) VALUES ($1, $2)`, [
          timestamp,
          name,
        ]);
      }
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/** True when the error is Postgres's unique-violation (23505): a second writer lost a race to the same row. */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string }; code?: string }) ?? {};
  return driverError.code === '23505' || driverError.driverError?.code === '23505';
}
