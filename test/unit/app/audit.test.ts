import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/plugins/audit-log.js';
import { ADMIN_TOKEN, READER_TOKEN, TOKEN, adminAuth, auth, readerAuth, testApp } from '../../support/app.js';
import { recordingDriver } from '../../support/fake-driver.js';
import { CLUSTER_UUID, minimalSpec } from '../../support/spec.js';

const PROJECT = '9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nusers: [{name: admin, user: {client-key-data: S3CRET-KUBECONFIG-KEY}}]\n';
const SECRETS = [TOKEN, READER_TOKEN, ADMIN_TOKEN, 'S3CRET-CLOUDS-VALUE', 'S3CRET-KUBECONFIG-KEY', 'BEGIN-PRIVATE-KEY-MATERIAL', 'client-key-data'];

function specWithSecrets(status = 'CREATE_IN_PROGRESS') {
  const pair = { cert: 'CA-CERT-PEM-MATERIAL', key: 'BEGIN-PRIVATE-KEY-MATERIAL' };
  const spec = minimalSpec({ certificates: { ca: pair, etcd: pair, proxy: pair, sa: pair } });
  return { ...spec, cluster: { ...spec.cluster, status, stack_id: 'k8s-cluster-abcdefabcdef' } };
}

type AuditLine = Record<string, unknown>;

describe('the audit trail', () => {
  it('writes one line per mutating call and kubeconfig read, with who, what, where and the outcome, never a secret', async () => {
    const driver = recordingDriver();
    driver.kubeconfig = async () => KUBECONFIG;
    const { app, audit, logs } = await testApp({ driver });
    const calls = [
      { method: 'POST', url: '/v1/clusters', headers: auth, payload: specWithSecrets() },
      { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/actions/resize`, headers: auth, payload: { spec: specWithSecrets('UPDATE_IN_PROGRESS'), node_count: 3, nodegroup: 'default-worker' } },
      { method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, headers: adminAuth },
      // Refusals are audited too: who tried what.
      { method: 'GET', url: `/v1/clusters/${CLUSTER_UUID}/kubeconfig`, headers: readerAuth },
      { method: 'DELETE', url: `/v1/clusters/${CLUSTER_UUID}`, payload: specWithSecrets('DELETE_IN_PROGRESS') },
      // Reads are counted, not audited.
      { method: 'POST', url: `/v1/clusters/${CLUSTER_UUID}/status`, headers: auth, payload: specWithSecrets() },
      { method: 'GET', url: '/v1/clusters', headers: readerAuth },
    ] as const;
    const codes = [];
    for (const call of calls) codes.push((await app.inject(call)).statusCode);
    await app.close();
    expect(codes).toEqual([201, 202, 200, 403, 401, 200, 200]);

    const lines = audit.map((l) => JSON.parse(l) as AuditLine);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).toMatchObject({ audit: true, msg: 'audit', level: 30 });
      expect(Date.parse(String(line.time))).not.toBeNaN();
      expect(typeof line.duration_ms).toBe('number');
      expect(typeof line.request_id).toBe('string');
    }
    const shape = ({ caller, role, via, method, route, operation, cluster_uuid, project_id, code, release, revision }: AuditLine) =>
      ({ caller, role, via, method, route, operation, cluster_uuid, project_id, code, release, revision });
    expect(lines.map(shape)).toEqual([
      { caller: 'line-2', role: 'driver', via: 'token', method: 'POST', route: '/v1/clusters', operation: 'create_cluster', cluster_uuid: CLUSTER_UUID, project_id: PROJECT, code: 201, release: 'k8s-cluster-abcdefabcdef', revision: 1 },
      { caller: 'line-2', role: 'driver', via: 'token', method: 'POST', route: '/v1/clusters/:uuid/actions/resize', operation: 'resize_cluster', cluster_uuid: CLUSTER_UUID, project_id: PROJECT, code: 202, release: 'k8s-cluster-abcdefabcdef', revision: 1 },
      { caller: 'ops', role: 'admin', via: 'token', method: 'GET', route: '/v1/clusters/:uuid/kubeconfig', operation: 'get_kubeconfig', cluster_uuid: CLUSTER_UUID, project_id: null, code: 200, release: null, revision: null },
      { caller: 'dashboard', role: 'reader', via: 'token', method: 'GET', route: '/v1/clusters/:uuid/kubeconfig', operation: 'get_kubeconfig', cluster_uuid: CLUSTER_UUID, project_id: null, code: 403, release: null, revision: null },
      { caller: null, role: null, via: null, method: 'DELETE', route: '/v1/clusters/:uuid', operation: 'delete_cluster', cluster_uuid: CLUSTER_UUID, project_id: null, code: 401, release: null, revision: null },
    ]);

    const text = audit.join('');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // The service log has the bodies at trace (redacted), the audit trail never.
    expect(text).not.toContain('request body');
    expect(logs.join('')).toContain('request body');
  });

  it('names the release from the spec when the call failed before helm answered', async () => {
    const driver = recordingDriver();
    driver.updateCluster = async () => {
      throw new Error('boom');
    };
    const { app, audit } = await testApp({ driver });
    const res = await app.inject({ method: 'PUT', url: `/v1/clusters/${CLUSTER_UUID}`, headers: adminAuth, payload: specWithSecrets('UPDATE_IN_PROGRESS') });
    await app.close();
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(audit[0]!)).toMatchObject({ caller: 'ops', operation: 'update_cluster', code: 500, release: 'k8s-cluster-abcdefabcdef', revision: null, project_id: PROJECT });
  });

  describe('to its own file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcs-audit-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('appends, and after a rotation writes a new file at the same path', async () => {
      const path = join(dir, 'logs', 'audit.log');
      const log = createAuditLog(path);
      log.logger.info({ caller: 'a' }, 'audit');
      rmSync(path);
      log.reopen();
      log.logger.info({ caller: 'b' }, 'audit');
      log.logger.flush();
      const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
      expect(lines.map((l) => [l.caller, l.audit])).toEqual([['b', true]]);
    });
  });
});
