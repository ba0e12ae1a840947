/**
 * Client certificates over real TLS: a CA and certificates made with the
 * openssl CLI, the real server started with `tls.clientCA`, and node's https
 * client presenting an allowed certificate, one of another CA, or none.
 */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { ADMIN_TOKEN, TOKEN, captureLogs } from '../../support/app.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { CLUSTER_UUID } from '../../support/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-client-cert-'));
const at = (name: string) => join(dir, name);

async function openssl(...args: string[]) {
  await execa('openssl', args, { cwd: dir });
}

async function makeCA(name: string) {
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`);
}

async function makeCert(name: string, ca: string, subject: string, ext: string) {
  writeFileSync(at(`${name}.ext`), ext);
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
}

/** What node's client sees when the server's handshake refuses its certificate (TLS 1.3 reports it after the handshake). */
const HANDSHAKE_REFUSED = /certificate required|unknown ca|alert|ECONNRESET|socket hang up/i;

interface Answer {
  status: number;
  body: string;
}

function call(url: string, path: string, opts: { cert?: string; token?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      ca: readFileSync(at('server-ca.pem')),
      ...(opts.cert ? { cert: readFileSync(at(`${opts.cert}.pem`)), key: readFileSync(at(`${opts.cert}.key`)) } : {}),
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      agent: false,
    }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('client certificates (tls.clientCA)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    await makeCA('server-ca');
    await makeCA('client-ca');
    await makeCA('other-ca');
    await makeCert('server', 'server-ca', '/CN=sidecar', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await makeCert('conductor', 'client-ca', '/O=Example Cloud/CN=magnum-conductor', 'extendedKeyUsage=clientAuth\n');
    await makeCert('stranger', 'client-ca', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
    await makeCert('forged', 'other-ca', '/O=Example Cloud/CN=magnum-conductor', 'extendedKeyUsage=clientAuth\n');
    writeFileSync(at('tokens'), `${TOKEN}\n${ADMIN_TOKEN} admin ops\nsubject:CN=magnum-conductor,O=Example%20Cloud driver conductor\n`);
    const config = parseConfig({
      listen: '127.0.0.1:0',
      tokensFile: at('tokens'),
      tls: { cert: at('server.pem'), key: at('server.key'), clientCA: at('client-ca.pem') },
      audit: { file: at('audit.log') },
    });
    server = await startServer({ ...config, tokensFile: at('tokens') }, { driver: recordingDriver(), checks: [], close: async () => undefined }, captureLogs('silent').logger);
  }, 120_000);
  afterAll(async () => {
    await server?.shutdown('test');
    rmSync(dir, { recursive: true, force: true });
  });

  it('an allowed certificate whose subject the tokens file maps stands for a token, with its role', async () => {
    const health = await call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { cert: 'conductor' });
    expect(health.status).toBe(200);
    const kubeconfig = await call(server.url, `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, { cert: 'conductor' });
    expect(kubeconfig.status).toBe(403);
    expect(JSON.parse(kubeconfig.body).error.message).toContain('caller conductor has the driver role');
    const audited = readFileSync(at('audit.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(audited.at(-1)!)).toMatchObject({ caller: 'conductor', role: 'driver', via: 'certificate', code: 403 });
  });

  it('a bearer token sent over an allowed certificate decides the role', async () => {
    expect((await call(server.url, `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, { cert: 'conductor', token: ADMIN_TOKEN })).status).toBe(200);
    expect((await call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { cert: 'conductor', token: 'wrong-token-0123456789abcdef' })).status).toBe(401);
  });

  it('an allowed certificate the tokens file does not map still needs a token', async () => {
    const res = await call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { cert: 'stranger' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.message).toMatch(/subject is not in the tokens file/);
    expect((await call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { cert: 'stranger', token: TOKEN })).status).toBe(200);
  });

  it('a certificate of another CA, even with the mapped subject, is refused at the handshake', async () => {
    await expect(call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { cert: 'forged', token: TOKEN })).rejects.toThrow(HANDSHAKE_REFUSED);
  });

  it('no certificate is refused at the handshake, a valid token notwithstanding, on every route', async () => {
    await expect(call(server.url, `/v1/clusters/${CLUSTER_UUID}/health`, { token: TOKEN })).rejects.toThrow(HANDSHAKE_REFUSED);
    await expect(call(server.url, '/healthz', {})).rejects.toThrow(HANDSHAKE_REFUSED);
  });
});
