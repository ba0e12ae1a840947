// The container's HEALTHCHECK: GET /healthz where the service listens, read
// from the same configuration the service reads (the MCS_CONFIG file and the
// MCS_* variables, by the service's own loader), over HTTPS when tls is set.
// Exit 0 when the service answers 200, 1 otherwise.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const configModule = process.env.MCS_HEALTHCHECK_CONFIG_MODULE ?? new URL('./dist/config.js', import.meta.url).href;

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

let config;
try {
  const { loadConfig } = await import(configModule);
  config = loadConfig(process.env);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const { host, port } = config.listen;
// A wildcard address is reached through the loopback of the same family.
const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
const request = config.tls ? httpsRequest : httpRequest;
const req = request(
  // The certificate names the service's public name, not the loopback: liveness only.
  { host: target, port, path: '/healthz', method: 'GET', timeout: 4000, rejectUnauthorized: false },
  (res) => {
    res.resume();
    if (res.statusCode === 200) process.exit(0);
    fail(`/healthz answered ${res.statusCode}`);
  },
);
req.on('timeout', () => req.destroy(new Error(`no answer from ${target}:${port} in 4 s`)));
req.on('error', (err) => fail(`${config.tls ? 'https' : 'http'}://${target}:${port}/healthz: ${err.message}`));
req.end();
