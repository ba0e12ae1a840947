/**
 * Rewriting the status of a revision in helm's release Secret, as a crash
 * leaves it: helm applied every object, then died before recording the
 * revision deployed. Written apart from src/helm/record.ts on purpose, so a
 * test that forges the state does not lean on the code it tests.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { Watch } from '@kubernetes/client-node';
import { kube } from './kube.js';

/** The release JSON inside a helm record Secret's `release` data value. */
export function readHelmRecord(data: string): { version: number; info: { status: string; description: string }; config?: Record<string, unknown> } {
  const helmText = Buffer.from(data, 'base64').toString('utf8');
  return JSON.parse(gunzipSync(Buffer.from(helmText, 'base64')).toString('utf8'));
}

/**
 * Every revision helm writes for a release, as a watch sees them, while the
 * test runs: `helm history` keeps only the last ten, and a rollback or an
 * uninstall in between would be gone from it.
 */
export async function recordRevisions(kubeconfig: string, namespace: string, release: string) {
  const { kc } = kube(kubeconfig);
  const seen: { revision: number; status: string; description: string }[] = [];
  const watch = new Watch(kc);
  const request = await watch.watch(
    `/api/v1/namespaces/${namespace}/secrets`,
    { labelSelector: `owner=helm,name=${release}` },
    (type: string, obj: { data?: { release?: string } }) => {
      if ((type === 'ADDED' || type === 'MODIFIED') && obj.data?.release) {
        const r = readHelmRecord(obj.data.release);
        seen.push({ revision: r.version, status: r.info.status, description: r.info.description });
      }
    },
    () => {},
  );
  return { seen, stop: () => request.abort() };
}

export async function forgeRevisionStatus(kubeconfig: string, namespace: string, release: string, revision: number, status: string): Promise<void> {
  const { core } = kube(kubeconfig);
  const name = `sh.helm.release.v1.${release}.v${revision}`;
  const secret = await core.readNamespacedSecret({ name, namespace });
  const record = readHelmRecord(secret.data!.release!);
  record.info.status = status;
  const encoded = Buffer.from(gzipSync(Buffer.from(JSON.stringify(record))).toString('base64')).toString('base64');
  await core.replaceNamespacedSecret({
    name,
    namespace,
    body: { ...secret, metadata: { ...secret.metadata, labels: { ...secret.metadata!.labels, status } }, data: { ...secret.data, release: encoded } },
  });
}
