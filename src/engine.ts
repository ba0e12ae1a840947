/**
 * Composition of the engine behind the routes: management-cluster client,
 * watch cache, helm and the driver operations. The one place that decides
 * what runs when a kubeconfig is or is not configured.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { unavailableDriver } from './driver/unavailable.js';
import type { Engine } from './server.js';

export async function createEngine(config: Config, _logger: Logger): Promise<Engine> {
  const reason = config.kubeconfig
    ? 'the management-cluster engine is not built yet'
    : 'no kubeconfig configured (set MCS_KUBECONFIG or kubeconfig in the config file)';
  return {
    driver: unavailableDriver(reason),
    checks: [{ name: 'management-cluster', check: async () => ({ ok: false, message: reason }) }],
    close: async () => {},
  };
}
