/**
 * kube-apiserver audit logging (`audit_log_*`, vexxhost's labels). The chart
 * has no key for it, so the policy file, the `--audit-*` flags and the two
 * host-path volumes go in through `controlPlane.kubeadmConfigSpec`, which the
 * chart merges into the KubeadmControlPlane (lists concatenated).
 */
import { dump } from 'js-yaml';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

export const AUDIT_POLICY_DIR = '/etc/kubernetes/audit';
export const AUDIT_POLICY_FILE = `${AUDIT_POLICY_DIR}/policy.yaml`;
/** Where vexxhost's driver keeps the log, so operators' log shippers carry over. */
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';
export const AUDIT_LOG_FILE = `${AUDIT_LOG_DIR}/kube-apiserver-audit.log`;

/**
 * Metadata (who did what to which object, when) for every request; never a
 * request or response body. The first rule names the kinds whose bodies are
 * secrets, so a copy of this policy whose last rule is raised to Request
 * still keeps them out of the log.
 */
export const DEFAULT_AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
    { level: 'Metadata' },
  ],
};

/** vexxhost's documentation spells these without the inner underscore, its code with it: both are read, the code's first. */
const MAX_AGE = ['audit_log_max_age', 'audit_log_maxage'];
const MAX_BACKUP = ['audit_log_max_backup', 'audit_log_maxbackup'];
const MAX_SIZE = ['audit_log_max_size', 'audit_log_maxsize'];

export function auditValues({ labels, site }: RenderContext): Values {
  const enabled = labels.bool('audit_log_enabled', false);
  // Parsed even when off, so a malformed value is caught before someone turns auditing on.
  const maxAge = labels.int(MAX_AGE, 30)!;
  const maxBackup = labels.int(MAX_BACKUP, 10)!;
  const maxSize = labels.int(MAX_SIZE, 100)!;
  if (!enabled) return {};
  const policy = site.auditPolicy ?? DEFAULT_AUDIT_POLICY;
  return {
    controlPlane: {
      kubeadmConfigSpec: {
        files: [{ path: AUDIT_POLICY_FILE, content: dump(policy, { noRefs: true, lineWidth: -1 }), owner: 'root:root', permissions: '0600' }],
        clusterConfiguration: {
          apiServer: {
            // kubeadm's extraArgs are strings, numbers included.
            extraArgs: {
              'audit-policy-file': AUDIT_POLICY_FILE,
              'audit-log-path': AUDIT_LOG_FILE,
              'audit-log-maxage': String(maxAge),
              'audit-log-maxbackup': String(maxBackup),
              'audit-log-maxsize': String(maxSize),
            },
            extraVolumes: [
              { name: 'audit-policy', hostPath: AUDIT_POLICY_DIR, mountPath: AUDIT_POLICY_DIR, readOnly: true, pathType: 'DirectoryOrCreate' },
              { name: 'audit-logs', hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, readOnly: false, pathType: 'DirectoryOrCreate' },
            ],
          },
        },
      },
    },
  };
}
