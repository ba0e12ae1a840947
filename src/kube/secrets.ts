/**
 * The cluster's namespace and secrets in the management cluster: the cloud
 * credentials CAPO and the cloud provider read, and the four CAs Cluster API
 * would otherwise generate (Magnum must keep its own so `openstack coe
 * cluster config` works). Applied by server-side apply, so repeating a call
 * converges instead of failing.
 */
import { PatchStrategy, type V1Secret } from '@kubernetes/client-node';
import { load as loadYaml } from 'js-yaml';
import { derivedName } from '../magnum/names.js';
import type { Certificates, Credentials } from '../magnum/spec.js';
import { FIELD_MANAGER, type KubeClients } from './client.js';
import { isNotFound, managementError } from './errors.js';
import {
  ANNOTATION_APP_CRED_ID,
  LABEL_CLUSTER_UUID,
  LABEL_MANAGED_BY,
  clusterLabels,
  labelValue,
  type ClusterIdentity,
} from './labels.js';

/** Cluster API reads secrets of this type for the cluster's CAs. */
const CAPI_SECRET_TYPE = 'cluster.x-k8s.io/secret';
const CA_NAMES = ['ca', 'etcd', 'proxy', 'sa'] as const;

export function cloudCredentialsSecretName(release: string): string {
  return derivedName(release, 'cloud-credentials');
}

export function kubeconfigSecretName(release: string): string {
  return derivedName(release, 'kubeconfig');
}

async function apply(k: KubeClients, object: Record<string, unknown>, what: string): Promise<void> {
  try {
    await k.objects.patch(object as never, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (err) {
    throw managementError(err, what);
  }
}

export async function ensureNamespace(k: KubeClients, namespace: string): Promise<void> {
  await apply(
    k,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { [LABEL_MANAGED_BY]: 'magnum-capi-sidecar' } } },
    `apply namespace ${namespace}`,
  );
}

export interface ClusterSecrets {
  namespace: string;
  identity: ClusterIdentity;
  credentials?: Credentials | undefined;
  certificates?: Certificates | undefined;
}

/** The secrets as objects, apart from applying them, so their shape is testable without a server. */
export function clusterSecretObjects(s: ClusterSecrets): Record<string, unknown>[] {
  const labels = clusterLabels(s.identity);
  const release = s.identity.release;
  const out: Record<string, unknown>[] = [];
  if (s.credentials) {
    const annotations: Record<string, string> = {};
    if (s.credentials.application_credential_id) {
      annotations[ANNOTATION_APP_CRED_ID] = s.credentials.application_credential_id;
    }
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: cloudCredentialsSecretName(release), namespace: s.namespace, labels, annotations },
      type: 'Opaque',
      stringData: { 'clouds.yaml': s.credentials.clouds_yaml, cacert: s.credentials.cacert ?? '' },
    });
  }
  if (s.certificates) {
    for (const ca of CA_NAMES) {
      const pair = s.certificates[ca];
      out.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: derivedName(release, ca), namespace: s.namespace, labels },
        type: CAPI_SECRET_TYPE,
        stringData: { 'tls.crt': pair.cert, 'tls.key': pair.key },
      });
    }
  }
  return out;
}

export async function applyClusterSecrets(k: KubeClients, s: ClusterSecrets): Promise<void> {
  for (const secret of clusterSecretObjects(s)) {
    const name = (secret.metadata as { name: string }).name;
    await apply(k, secret, `apply secret ${s.namespace}/${name}`);
  }
}

/** Deletes every secret labelled with the cluster's uuid (ours and magnum-capi-helm's). */
export async function deleteClusterSecrets(k: KubeClients, namespace: string, uuid: string): Promise<void> {
  try {
    await k.core.deleteCollectionNamespacedSecret({
      namespace,
      labelSelector: `${LABEL_CLUSTER_UUID}=${labelValue(uuid)}`,
    });
  } catch (err) {
    if (isNotFound(err)) return;
    throw managementError(err, `delete secrets of cluster ${uuid} in ${namespace}`);
  }
}

async function readSecret(k: KubeClients, namespace: string, name: string): Promise<V1Secret | null> {
  try {
    return await k.core.readNamespacedSecret({ name, namespace });
  } catch (err) {
    if (isNotFound(err)) return null;
    throw managementError(err, `read secret ${namespace}/${name}`);
  }
}

function decoded(secret: V1Secret, key: string): string | undefined {
  const b64 = secret.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * The application credential the cluster uses: our annotation, else the id in
 * clouds.yaml (secrets written by magnum-capi-helm have no annotation).
 */
export async function readApplicationCredentialId(k: KubeClients, namespace: string, release: string): Promise<string | null> {
  const secret = await readSecret(k, namespace, cloudCredentialsSecretName(release));
  if (!secret) return null;
  const annotated = secret.metadata?.annotations?.[ANNOTATION_APP_CRED_ID];
  if (annotated) return annotated;
  const clouds = decoded(secret, 'clouds.yaml');
  if (!clouds) return null;
  try {
    const doc = loadYaml(clouds) as { clouds?: Record<string, { auth?: { application_credential_id?: unknown } }> };
    const id = Object.values(doc?.clouds ?? {})[0]?.auth?.application_credential_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** The workload cluster's admin kubeconfig, written by Cluster API; null until it exists. */
export async function readKubeconfig(k: KubeClients, namespace: string, release: string): Promise<string | null> {
  const secret = await readSecret(k, namespace, kubeconfigSecretName(release));
  return secret ? (decoded(secret, 'value') ?? null) : null;
}
