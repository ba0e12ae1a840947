/**
 * Scrubbing secrets from text that leaves the process (helm's stderr in an
 * error message, say): PEM blocks, bearer tokens, credentials in URLs, and
 * the values of keys that hold credentials in clouds.yaml or kubeconfigs.
 */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_KEYS =
  /\b(password|application_credential_secret|client-key-data|client-certificate-data|token|secret|clouds\.yaml|cacert)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,}]+)/gi;

/** Credentials in a URL (`https://user:password@charts.example/`): helm echoes a failing repository URL whole. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi;

const MAX = 2000;

export function redact(text: string, known: readonly string[] = []): string {
  let out = text.replace(PEM, '[redacted PEM]').replace(BEARER, '$1 [redacted]').replace(URL_USERINFO, '$1[redacted]@').replace(SECRET_KEYS, '$1$2[redacted]');
  for (const secret of known) if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out.length > MAX ? `${out.slice(0, MAX)}… (${out.length - MAX} more characters)` : out;
}
