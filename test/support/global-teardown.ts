import type { RunningDatabase } from '../../src/storage/embedded/embedded-ferretdb';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __VITALS_DB__?: RunningDatabase }).__VITALS_DB__?.stop();
}
