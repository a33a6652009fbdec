// The virtual-card process: plays virtual cards into pcscd's vpcd reader and takes orders over a loopback
// HTTP API. See control-server.ts for the API and options.ts for the flags.
import { StationLog } from '@mnc/pcsc';
import { parseOptions, UsageError } from './options';
import { startVirtualCardApp } from './virtual-card-app';

const log: StationLog = (event, fields) => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'virtual-card', event, ...fields })}\n`,
  );
};

async function main(): Promise<void> {
  const app = await startVirtualCardApp(parseOptions(process.argv.slice(2)), log);
  const shutdown = (signal: NodeJS.Signals) => {
    log('virtual-card-stopping', { signal });
    // Everything closes on its own; this only guards against a peer that never lets go.
    setTimeout(() => process.exit(1), 5000).unref();
    void app.stop();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n`);
  else log('virtual-card-failed', { error: String(error) });
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
