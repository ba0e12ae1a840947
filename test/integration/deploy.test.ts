/** The deployment manifests validate against the real API server (server-side dry run). */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { kube } from './harness/kube.js';

const ROOT = join(import.meta.dirname, '../..');

describe('deploy/sidecar.yaml', () => {
  it('passes kubectl apply --dry-run=server', async () => {
    const kubeconfig = inject('kubeconfig');
    // Namespaced objects are checked only once their namespace exists.
    await kube(kubeconfig).core.createNamespace({ body: { metadata: { name: 'magnum-capi-sidecar' } } }).catch(() => undefined);
    const result = await execa(join(ROOT, '.tools/helm3/kubectl'), ['--kubeconfig', kubeconfig, 'apply', '--dry-run=server', '-f', join(ROOT, 'deploy/sidecar.yaml')], { reject: false });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
    for (const kind of ['serviceaccount/magnum-capi-sidecar', 'clusterrole.rbac.authorization.k8s.io/magnum-capi-sidecar', 'deployment.apps/magnum-capi-sidecar', 'service/magnum-capi-sidecar']) {
      expect(result.stdout).toContain(kind);
    }
  });
});
