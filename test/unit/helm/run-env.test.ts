/** The environment helm runs with: the sidecar's own, minus what would point helm at another cluster or store. */
import { describe, expect, it } from 'vitest';
import { helmEnvironment } from '../../../src/helm/run.js';

describe('helmEnvironment', () => {
  it.each([
    ['KUBECONFIG', '/home/op/.kube/other-cluster'],
    ['HELM_KUBECONTEXT', 'production'],
    ['HELM_KUBEAPISERVER', 'https://elsewhere.example:6443'],
    ['HELM_KUBETOKEN', 'a-token-of-someone-else'],
    ['HELM_KUBEASUSER', 'system:admin'],
    ['HELM_KUBEASGROUPS', 'system:masters'],
    ['HELM_KUBECAFILE', '/etc/other-ca.pem'],
    ['HELM_KUBEINSECURE_SKIP_TLS_VERIFY', 'true'],
    ['HELM_KUBETLS_SERVER_NAME', 'elsewhere'],
    ['HELM_DRIVER', 'configmap'],
    ['HELM_DRIVER_SQL_CONNECTION_STRING', 'postgres://u:p@db/helm'],
    ['HELM_NAMESPACE', 'kube-system'],
    ['HELM_DEBUG', 'true'],
  ])('drops %s', (name, value) => {
    expect(helmEnvironment({ PATH: '/usr/bin', [name]: value })).toEqual({ PATH: '/usr/bin' });
  });

  it.each([['PATH'], ['HOME'], ['HTTPS_PROXY'], ['NO_PROXY'], ['HELM_CACHE_HOME'], ['HELM_CONFIG_HOME'], ['HELM_DATA_HOME'], ['HELM_REPOSITORY_CONFIG'], ['HELM_REGISTRY_CONFIG']])(
    'keeps %s',
    (name) => {
      expect(helmEnvironment({ [name]: '/some/value' })).toEqual({ [name]: '/some/value' });
    },
  );
});
