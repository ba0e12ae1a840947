/**
 * The labels of issue 17 (OIDC, audit logging, TLS cipher suites, Hubble,
 * Manila), in the shape of labels.test.ts: default, template value, cluster
 * value over the template, site default, and a malformed value refused with
 * 422 naming the label.
 */
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';
import { InvalidLabel, MagnumRuleViolation } from '../../../src/errors.js';
import type { SpecInput } from '../../../src/magnum/spec.js';
import { AUDIT_POLICY_FILE, DEFAULT_AUDIT_POLICY } from '../../../src/values/audit.js';
import { checkLabelDefaults } from '../../../src/values/site-check.js';
import { at, describeLabelRows, render, specWith, type LabelRow as Row } from './helpers.js';

const CIPHERS = "a comma-separated list of cipher suite names Go's crypto/tls knows, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
const API_ARGS = 'controlPlane.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs';
const ISSUER = { oidc_issuer_url: 'https://idp.example.test', oidc_client_id: 'kubernetes' };
const AUDIT = { audit_log_enabled: 'true' };
const MANILA = { manila_csi_enabled: 'true' };
const SHARE_NET = '5e3a0a56-8f0e-4c9b-9d55-0a3c1f6b2e11';

const cilium = (s: SpecInput) => {
  s.cluster_template.network_driver = 'cilium';
};
const shareTypes = (s: SpecInput) => {
  s.resolved.share_types = ['default', 'CephFS Gold'];
};

const rows: Row[] = [
  { label: 'oidc_issuer_url', path: 'oidc.issuerUrl', needs: { oidc_client_id: 'k8s' }, default: undefined, template: ['https://idp.example.test', 'https://idp.example.test'], cluster: ['https://sso.example.test/realms/cloud', 'https://sso.example.test/realms/cloud'], malformed: ['http://idp.example.test', 'an https URL without user, query or fragment'] },
  { label: 'oidc_client_id', path: 'oidc.clientId', needs: { oidc_issuer_url: 'https://idp.example.test' }, default: 'required', template: ['kubernetes', 'kubernetes'], cluster: ['k8s@cloud', 'k8s@cloud'], malformed: ['a "b"', 'an OIDC client id (letters, digits and . _ : @ / + = -)'] },
  { label: 'oidc_username_claim', path: 'oidc.usernameClaim', needs: ISSUER, default: undefined, template: ['email', 'email'], cluster: ['preferred_username', 'preferred_username'], malformed: ['user name', 'a claim name such as sub or email'] },
  { label: 'oidc_username_prefix', path: 'oidc.usernamePrefix', needs: ISSUER, default: undefined, template: ['-', '-'], cluster: ['sso:', 'sso:'], malformed: ['"x"', 'a prefix such as oidc: (- for none)'] },
  { label: 'oidc_groups_claim', path: 'oidc.groupsClaim', needs: ISSUER, default: undefined, template: ['roles', 'roles'], cluster: ['groups', 'groups'], malformed: ['{{ x }}', 'a claim name such as groups'] },
  { label: 'oidc_groups_prefix', path: 'oidc.groupsPrefix', needs: ISSUER, default: undefined, template: ['sso:', 'sso:'], cluster: ['team:', 'team:'], malformed: ['a b', 'a prefix such as oidc:'] },
  { label: 'oidc_signing_algs', path: 'oidc.signingAlgs', needs: ISSUER, default: undefined, template: ['ES256', 'ES256'], cluster: ['RS256, PS512', 'RS256,PS512'], malformed: ['HS256', 'a comma-separated list of RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512; "HS256" is not one'] },
  { label: 'audit_log_enabled', path: `${API_ARGS}.audit-policy-file`, default: undefined, template: ['true', AUDIT_POLICY_FILE], cluster: ['false', undefined], malformed: ['log', 'boolean'] },
  { label: 'audit_log_max_age', path: `${API_ARGS}.audit-log-maxage`, needs: AUDIT, default: '30', template: ['7', '7'], cluster: ['90', '90'], malformed: ['week', 'integer'] },
  { label: 'audit_log_maxage', path: `${API_ARGS}.audit-log-maxage`, needs: AUDIT, default: '30', template: ['8', '8'], cluster: ['91', '91'], malformed: ['-1', 'integer'] },
  { label: 'audit_log_max_backup', path: `${API_ARGS}.audit-log-maxbackup`, needs: AUDIT, default: '10', template: ['3', '3'], cluster: ['0', '0'], malformed: ['some', 'integer'] },
  { label: 'audit_log_maxbackup', path: `${API_ARGS}.audit-log-maxbackup`, needs: AUDIT, default: '10', template: ['4', '4'], cluster: ['5', '5'], malformed: ['1.5', 'integer'] },
  { label: 'audit_log_max_size', path: `${API_ARGS}.audit-log-maxsize`, needs: AUDIT, default: '100', template: ['50', '50'], cluster: ['200', '200'], malformed: ['100MB', 'integer'] },
  { label: 'audit_log_maxsize', path: `${API_ARGS}.audit-log-maxsize`, needs: AUDIT, default: '100', template: ['51', '51'], cluster: ['201', '201'], malformed: ['big', 'integer'] },
  { label: 'api_server_tls_cipher_suites', path: `${API_ARGS}.tls-cipher-suites`, default: undefined, template: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'], cluster: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305'], malformed: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,ECDHE-RSA-AES128-GCM-SHA256', `${CIPHERS}; "ECDHE-RSA-AES128-GCM-SHA256" is not one`] },
  { label: 'kubelet_tls_cipher_suites', path: 'nodeGroupDefaults.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs.tls-cipher-suites', default: undefined, template: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'], cluster: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'], malformed: ['tls_ecdhe_rsa_with_aes_256_gcm_sha384', `${CIPHERS}; "tls_ecdhe_rsa_with_aes_256_gcm_sha384" is not one`] },
  { label: 'kubelet_tls_cipher_suites', path: 'controlPlane.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs.tls-cipher-suites', default: undefined, template: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'], cluster: ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] },
  { label: 'kubelet_tls_cipher_suites', path: 'controlPlane.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs.tls-cipher-suites', default: undefined, template: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'], cluster: ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] },
  { label: 'cilium_hubble_ui_enabled', path: 'addons.cni.cilium.release.values.hubble', change: cilium, default: undefined, template: ['true', { enabled: true, relay: { enabled: true }, ui: { enabled: true } }], cluster: ['false', undefined], malformed: ['shiny', 'boolean'] },
  { label: 'manila_csi_enabled', path: 'addons.openstack.csiManila.enabled', change: shareTypes, default: undefined, template: ['true', true], cluster: ['no', undefined], malformed: ['nfs', 'boolean'] },
  { label: 'manila_csi_share_network_id', path: 'addons.openstack.csiManila.defaultStorageClass.parameters.shareNetworkID', needs: MANILA, change: shareTypes, default: undefined, template: [SHARE_NET, SHARE_NET], cluster: ['0d5d4e4b9a0e4bd09d4c7d1a8c9f3e21', '0d5d4e4b9a0e4bd09d4c7d1a8c9f3e21'], malformed: ['net-1', 'a Manila share network id (a UUID)'] },
];

describeLabelRows(rows);

function labelled(template: Record<string, string>, change: (s: SpecInput) => void = () => {}) {
  return specWith((s) => {
    change(s);
    s.cluster_template.labels = template;
  });
}

describe('OIDC', () => {
  it('needs a client id with an issuer, naming the label', () => {
    const run = () => render(labelled({ oidc_issuer_url: 'https://idp.example.test' }));
    expect(run).toThrow('label oidc_client_id is required when oidc_issuer_url is set');
    try {
      run();
    } catch (err) {
      expect((err as MagnumRuleViolation).field).toBe('labels.oidc_client_id');
      expect((err as MagnumRuleViolation).statusCode).toBe(422);
    }
  });

  it('leaves the chart its own defaults for what is not set', () => {
    expect(render(labelled(ISSUER)).oidc).toEqual({ issuerUrl: 'https://idp.example.test', clientId: 'kubernetes' });
  });

  it('renders nothing without an issuer, but still checks the other labels', () => {
    expect(render(labelled({ oidc_client_id: 'k8s', oidc_groups_claim: 'roles' })).oidc).toBeUndefined();
    expect(() => render(labelled({ oidc_groups_claim: 'a b' }))).toThrow('label oidc_groups_claim');
  });

  it.each([
    'https://user:pw@idp.example.test',
    'https://idp.example.test/?x=1',
    'https://idp.example.test/#frag',
    'https:///nohost',
    'ftp://idp.example.test',
    'https://idp.example.test/a b',
    'idp.example.test',
  ])('issuer %j is refused', (url) => {
    expect(() => render(labelled({ ...ISSUER, oidc_issuer_url: url }))).toThrow(`label oidc_issuer_url: expected an https URL without user, query or fragment, got ${JSON.stringify(url)}`);
  });

  it.each(['https://idp.example.test:8443/realms/a', 'https://[2001:db8::1]/dex'])('issuer %j is kept exactly as written', (url) => {
    expect(at(render(labelled({ ...ISSUER, oidc_issuer_url: url })), 'oidc.issuerUrl')).toBe(url);
  });
});

describe('audit logging', () => {
  const spec = (labels: Record<string, string>) => labelled({ audit_log_enabled: 'true', ...labels });

  it('writes the policy file the flag names, and mounts the directories of the policy and the log', () => {
    const kcs = at(render(spec({})), 'controlPlane.kubeadmConfigSpec') as {
      files: { path: string; content: string; permissions: string }[];
      clusterConfiguration: { apiServer: { extraArgs: Record<string, string>; extraVolumes: { hostPath: string; mountPath: string; readOnly: boolean }[] } };
    };
    const args = kcs.clusterConfiguration.apiServer.extraArgs;
    const volumes = kcs.clusterConfiguration.apiServer.extraVolumes;
    const file = kcs.files.find((f) => f.path === args['audit-policy-file']);
    expect(file).toBeDefined();
    expect(file!.permissions).toBe('0600');
    const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/'));
    expect(volumes.find((v) => v.mountPath === dirOf(args['audit-policy-file']!) && v.hostPath === v.mountPath)).toMatchObject({ readOnly: true });
    expect(volumes.find((v) => v.mountPath === dirOf(args['audit-log-path']!) && v.hostPath === v.mountPath)).toMatchObject({ readOnly: false });
  });

  it('records metadata for every request and never the bodies of Secrets, ConfigMaps or token reviews', () => {
    const files = at(render(spec({})), 'controlPlane.kubeadmConfigSpec.files') as { path: string; content: string }[];
    const policy = load(files.find((f) => f.path === AUDIT_POLICY_FILE)!.content) as typeof DEFAULT_AUDIT_POLICY;
    expect(policy.apiVersion).toBe('audit.k8s.io/v1');
    const levels = policy.rules.map((r) => r.level);
    expect(levels.every((l) => l === 'Metadata')).toBe(true);
    // The last rule matches every request (no resource, verb or user filter).
    expect(Object.keys(policy.rules.at(-1)!)).toEqual(['level']);
    const guarded = policy.rules[0]!.resources!.flatMap((r) => r.resources.map((name) => `${r.group}/${name}`));
    expect(guarded).toEqual(expect.arrayContaining(['/secrets', '/configmaps', 'authentication.k8s.io/tokenreviews']));
  });

  it('writes the site policy instead of the built-in one', () => {
    const auditPolicy = { apiVersion: 'audit.k8s.io/v1' as const, kind: 'Policy' as const, rules: [{ level: 'None' as const, users: ['system:kube-proxy'] }, { level: 'Request' as const }] };
    const files = at(render(spec({}), { auditPolicy }), 'controlPlane.kubeadmConfigSpec.files') as { path: string; content: string }[];
    expect(load(files.find((f) => f.path === AUDIT_POLICY_FILE)!.content)).toEqual(auditPolicy);
  });

  it.each([
    [{ apiVersion: 'audit.k8s.io/v1beta1', kind: 'Policy', rules: [{ level: 'Metadata' }] }, 'auditPolicy.apiVersion'],
    [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }, 'auditPolicy.rules'],
    [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Everything' }] }, 'auditPolicy.rules.0.level'],
  ])('a site policy %j stops start-up naming %s', (auditPolicy, field) => {
    expect(() => parseConfig({ auditPolicy })).toThrow(ConfigError);
    expect(() => parseConfig({ auditPolicy })).toThrow(field);
  });

  it('the old and new spellings: what the user set under either beats a site default under either', () => {
    const args = (template: Record<string, string>, labelDefaults: Record<string, string>) =>
      at(render(spec(template), { labelDefaults }), `${API_ARGS}.audit-log-maxage`);
    expect(args({ audit_log_maxage: '5' }, { audit_log_max_age: '60' })).toBe('5');
    expect(args({ audit_log_maxage: '5', audit_log_max_age: '6' }, {})).toBe('6');
  });

  it('checks a malformed value even with auditing off', () => {
    expect(() => render(labelled({ audit_log_max_size: 'huge' }))).toThrow('label audit_log_max_size: expected integer, got "huge"');
  });
});

describe('TLS cipher suites', () => {
  it('drops repeated names and keeps the order given', () => {
    const v = render(labelled({ api_server_tls_cipher_suites: 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256' }));
    expect(at(v, `${API_ARGS}.tls-cipher-suites`)).toBe('TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384');
  });

  it('refuses an empty list', () => {
    expect(() => render(labelled({ kubelet_tls_cipher_suites: ' , ' }))).toThrow(InvalidLabel);
  });

  it('keeps the chart its kubelet arguments when adding one', () => {
    // The chart's own kubeletExtraArgs (cloud-provider) are merged by helm, not replaced: only our key is in the values.
    const v = render(labelled({ kubelet_tls_cipher_suites: 'TLS_AES_128_GCM_SHA256' }));
    expect(at(v, 'nodeGroupDefaults.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs')).toEqual({ 'tls-cipher-suites': 'TLS_AES_128_GCM_SHA256' });
  });
});

describe('Hubble', () => {
  it('is left out with another CNI, though the label is still checked', () => {
    expect(at(render(labelled({ cilium_hubble_ui_enabled: 'true' }, (s) => { s.cluster_template.network_driver = 'calico'; })), 'addons.cni.cilium')).toBeUndefined();
    expect(() => render(labelled({ cilium_hubble_ui_enabled: 'maybe' }))).toThrow('label cilium_hubble_ui_enabled: expected boolean, got "maybe"');
  });
});

describe('Manila', () => {
  it('one NFS storage class per share type, named as vexxhost names them; Cinder keeps the default class', () => {
    const manila = at(render(labelled({ ...MANILA, manila_csi_share_network_id: SHARE_NET }, shareTypes)), 'addons.openstack.csiManila');
    expect(manila).toEqual({
      enabled: true,
      defaultStorageClass: { enabled: true, isClusterDefault: false, name: 'share-default', provisioner: 'nfs.manila.csi.openstack.org', parameters: { type: 'default', shareNetworkID: SHARE_NET } },
      additionalStorageClasses: [{ name: 'share-cephfs-gold', provisioner: 'nfs.manila.csi.openstack.org', parameters: { type: 'CephFS Gold', shareNetworkID: SHARE_NET } }],
    });
  });

  it('stays off when the shim found no Manila in the catalog', () => {
    expect(at(render(labelled(MANILA, (s) => { s.resolved.share_types = null; })), 'addons.openstack.csiManila')).toBeUndefined();
    expect(at(render(labelled(MANILA)), 'addons.openstack.csiManila')).toBeUndefined();
  });

  it('installs the plugin without classes when Manila has no share types', () => {
    const manila = at(render(labelled(MANILA, (s) => { s.resolved.share_types = []; })), 'addons.openstack.csiManila');
    expect(manila).toEqual({ enabled: true, defaultStorageClass: { enabled: false }, additionalStorageClasses: [] });
  });

  it('gives two share types that clean up alike two class names', () => {
    const v = render(labelled(MANILA, (s) => { s.resolved.share_types = ['Gold', 'gold']; }));
    expect(at(v, 'addons.openstack.csiManila.additionalStorageClasses.0.name')).toBe('share-gold-2');
  });

  it.each(['{{ 7 * 7 }}', 'a: b', 'yes'])('refuses share type %j, which the chart would write unquoted into a template', (type) => {
    const run = () => render(labelled(MANILA, (s) => { s.resolved.share_types = ['ok', type]; }));
    expect(run).toThrow(MagnumRuleViolation);
    try {
      run();
    } catch (err) {
      expect((err as MagnumRuleViolation).field).toBe('resolved.share_types.1');
    }
  });
});

describe('site defaults of these labels are checked at start-up', () => {
  it.each([
    ['audit_log_max_age', 'month'],
    ['kubelet_tls_cipher_suites', 'RC4'],
    ['oidc_issuer_url', 'http://idp.example.test'],
    ['manila_csi_share_network_id', 'net'],
    ['cilium_hubble_ui_enabled', 'sometimes'],
  ])('%s=%j stops the service naming the setting', (label, value) => {
    const site = parseConfig({ labelDefaults: { [label]: value } });
    expect(() => checkLabelDefaults(site)).toThrow(`labelDefaults.${label}: label ${label}: expected`);
  });
});
