// Composition of the virtual-card process, separate from main.ts so tests can start and stop it in-process.
import { StationLog, VpcdConnection } from '@mnc/pcsc';
import { RsaKeyReserve } from '@mnc/virtual-card';
import { CardSlot } from './card-slot';
import { CardStore } from './card-store';
import { ControlServer } from './control-server';
import { VirtualCardAppOptions } from './options';

export interface RunningVirtualCardApp {
  readonly httpPort: number;
  /** Stops taking requests, takes the card out (pcscd sees a removal) and lets the process exit. */
  stop(): Promise<void>;
}

export async function startVirtualCardApp(
  options: VirtualCardAppOptions,
  log: StationLog,
): Promise<RunningVirtualCardApp> {
  const vpcd = new VpcdConnection({ host: options.vpcdHost, port: options.vpcdPort, log });
  const reserve = options.rsaKeyReserve > 0 ? new RsaKeyReserve(options.rsaKeyReserve) : undefined;
  const store = new CardStore(options.stateDir, reserve ? { generateKey: reserve.generate } : {});
  const slot = new CardSlot(store, vpcd, options.insertTimeoutMs);
  const server = new ControlServer(slot, log);
  const httpPort = await server.listen(options.httpPort);
  log('virtual-card-started', {
    httpPort,
    stateDir: options.stateDir,
    vpcd: vpcd.address,
    rsaKeyReserve: options.rsaKeyReserve,
  });
  let stopping: Promise<void> | undefined;
  return {
    httpPort,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await slot.eject();
        reserve?.close();
        log('virtual-card-stopped');
      })()),
  };
}
