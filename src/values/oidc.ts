/**
 * OpenID Connect login to the API server: the `oidc_*` labels (vexxhost's
 * names) become the chart's `oidc.*`, which it turns into the kube-apiserver's
 * `--oidc-*` flags. A label left unset keeps the chart's default, so the flags
 * stay those the chart documents.
 */
import { InvalidLabel, MagnumRuleViolation } from '../errors.js';
import type { RenderContext } from './context.js';
import type { Values } from './merge.js';

/** The JWS algorithms the API server's OIDC authenticator accepts. */
export const OIDC_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,254}$/;
const CLAIM = /^[A-Za-z0-9_][A-Za-z0-9_:./-]{0,254}$/;
/** `-` is the API server's word for "no prefix". */
const PREFIX = /^(?:-|[A-Za-z0-9_:.@/#-]{1,64})$/;

/**
 * The API server compares the issuer with each token's `iss` exactly and
 * fetches its discovery document over TLS: https, a host, nothing after the path.
 */
function issuerUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  // The URL parser forgives `https:///host`; the API server compares the text as written, so the host must follow `//`.
  const ok = url && /^https:\/\/[^/\s?#@]/.test(raw) && url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password && !url.search && !url.hash && !raw.includes('#') && !/\s/.test(raw);
  if (!ok) throw new InvalidLabel('oidc_issuer_url', 'an https URL without user, query or fragment', raw);
  return raw;
}

export function oidcValues({ labels }: RenderContext): Values {
  const issuer = issuerUrl(labels.raw('oidc_issuer_url'));
  // Read with or without an issuer, so a malformed value is caught before someone sets one.
  const clientId = labels.pattern('oidc_client_id', CLIENT_ID, 'an OIDC client id (letters, digits and . _ : @ / + = -)');
  const settings: Values = {
    usernameClaim: labels.pattern('oidc_username_claim', CLAIM, 'a claim name such as sub or email'),
    usernamePrefix: labels.pattern('oidc_username_prefix', PREFIX, 'a prefix such as oidc: (- for none)'),
    groupsClaim: labels.pattern('oidc_groups_claim', CLAIM, 'a claim name such as groups'),
    groupsPrefix: labels.pattern('oidc_groups_prefix', PREFIX, 'a prefix such as oidc:'),
    signingAlgs: labels.wordList('oidc_signing_algs', OIDC_SIGNING_ALGS, `a comma-separated list of ${OIDC_SIGNING_ALGS.join(', ')}`)?.join(','),
  };
  if (issuer === undefined) return {};
  if (clientId === undefined) {
    throw new MagnumRuleViolation('label oidc_client_id is required when oidc_issuer_url is set', 'labels.oidc_client_id');
  }
  const oidc: Values = { issuerUrl: issuer, clientId };
  for (const [key, value] of Object.entries(settings)) if (value !== undefined) oidc[key] = value;
  return { oidc };
}
