/**
 * TLS cipher suites of the API server and of every kubelet
 * (`api_server_tls_cipher_suites`, `kubelet_tls_cipher_suites`, vexxhost's
 * names). Unset, each keeps Go's defaults. The chart has no keys for them, so
 * they go in as kubeadm flags through the kubeadm config specs.
 */
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

/**
 * Every name Go's crypto/tls knows (CipherSuites() and InsecureCipherSuites()
 * of Go 1.26, which the Kubernetes flag parser accepts) plus the two
 * pre-RFC names of the ChaCha20 suites that Kubernetes still takes.
 */
export const GO_CIPHER_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_RSA_WITH_RC4_128_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
] as const;

const WHAT = "a comma-separated list of cipher suite names Go's crypto/tls knows, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

export function tlsCipherValues({ labels }: RenderContext): Values {
  const api = labels.wordList('api_server_tls_cipher_suites', GO_CIPHER_SUITES, WHAT)?.join(',');
  const kubelet = labels.wordList('kubelet_tls_cipher_suites', GO_CIPHER_SUITES, WHAT)?.join(',');
  const controlPlane: Values = {};
  const out: Values = {};
  if (api) controlPlane.clusterConfiguration = { apiServer: { extraArgs: { 'tls-cipher-suites': api } } };
  if (kubelet) {
    const nodeRegistration = () => ({ nodeRegistration: { kubeletExtraArgs: { 'tls-cipher-suites': kubelet } } });
    // The first control-plane node runs kubeadm init, the others join; workers only join.
    Object.assign(controlPlane, { initConfiguration: nodeRegistration(), joinConfiguration: nodeRegistration() });
    out.nodeGroupDefaults = { kubeadmConfigSpec: { joinConfiguration: nodeRegistration() } };
  }
  if (Object.keys(controlPlane).length > 0) out.controlPlane = { kubeadmConfigSpec: controlPlane };
  return out;
}
