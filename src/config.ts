/**
 * Site configuration: one zod schema, read once at start-up from an optional
 * YAML file and `MCS_*` environment variables, then passed down as `Config`.
 * No other module reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { z } from 'zod';

const HostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected host:port, for example 127.0.0.1:8080')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
  })
  .refine((l) => l.port < 65536, 'port must be 0-65535 (0 picks a free port)');

const PositiveInt = z.coerce.number().int().positive();

/* Private registries (issue 16): the chart's registryMirrors, registryAuth and trustedCAs, site-wide. */
/** A registry as containerd names it: a host (name, IPv4 or [IPv6]) with an optional port. */
const REGISTRY_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const RegistryHost = z.string().regex(REGISTRY_HOST, 'expected a registry host such as registry.example.com or registry.example.com:5000');
/** A mirror's URL; plain HTTP only for a host in insecureRegistries (checked with the mirrors, below). */
const MirrorUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://registry.example.com/v2/docker.io' })
  .refine((u) => !/["\\\s]/.test(u) && !/@|[?#]/.test(u.replace(/^https?:\/\//, '')), 'a mirror URL has no user, query, fragment, quotes or spaces');
const Mirror = z.union([
  MirrorUrl,
  z.strictObject({
    url: MirrorUrl,
    capabilities: z.array(z.enum(['pull', 'resolve', 'push'])).min(1).optional(),
    overridePath: z.boolean().optional(),
  }),
]);
/** The chart writes these into containerd's TOML between double quotes. */
const TomlText = z.string().min(1).max(255).regex(/^[^"\\\u0000-\u001f\u007f]+$/, 'must not contain quotes, backslashes or control characters');
const Pem = z.string().regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, 'expected PEM certificates (-----BEGIN CERTIFICATE-----)');

export const ConfigSchema = z.strictObject({
  /** Where the HTTP API listens. */
  listen: HostPort.default({ host: '127.0.0.1', port: 8080 }),
  /** PEM files; when both are set the API serves HTTPS only. */
  tls: z
    .strictObject({
      cert: z.string().min(1),
      key: z.string().min(1),
      /** CA bundle (PEM): when set, every connection needs a client certificate it signed. */
      clientCA: z.string().min(1).optional(),
    })
    .optional(),
  /** File of bearer tokens, one per line; `#` starts a comment. Required to serve /v1. */
  tokensFile: z.string().min(1).optional(),
  /** Kubeconfig of the management cluster where Cluster API runs; `in-cluster` uses the pod's service account. */
  kubeconfig: z.string().min(1).optional(),
  chart: z
    .strictObject({
      /**
       * An http(s) chart repository, or an OCI registry `oci://host/path` (the chart is then
       * `oci://host/path/<name>`, as helm takes it); empty when `name` is a local chart
       * directory or archive, or a full `oci://` reference.
       */
      repo: z
        .string()
        .regex(/^((https?:\/\/|oci:\/\/)[^\s/]+(\/\S*)?)?$/, 'expected an http(s):// chart repository URL, an oci://host/path registry, or empty for a local chart')
        .default('https://azimuth-cloud.github.io/capi-helm-charts'),
      name: z.string().min(1).default('openstack-cluster'),
      /** Used unless the template sets the `capi_helm_chart_version` label. */
      defaultVersion: z.string().min(1).default('0.27.0'),
      /** Reach the OCI registry over plain HTTP (a registry on loopback); production registries speak TLS. */
      plainHttp: z.union([z.boolean(), z.stringbool()]).optional(),
      /** helm's `--registry-config`: the OCI registry's credentials file (docker's config.json format), read by helm only. */
      registryConfig: z.string().min(1).optional(),
    })
    .superRefine((chart, ctx) => {
      const oci = chart.repo.startsWith('oci://') || (!chart.repo && chart.name.startsWith('oci://'));
      if (chart.repo && chart.name.startsWith('oci://')) {
        ctx.addIssue({ code: 'custom', path: ['name'], message: 'a full oci:// reference goes with an empty chart.repo; with a repo set, name only the chart' });
      } else if (chart.repo.startsWith('oci://') && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(chart.name)) {
        ctx.addIssue({ code: 'custom', path: ['name'], message: `expected the chart's name in the oci:// registry (such as openstack-cluster), got ${JSON.stringify(chart.name)}` });
      }
      for (const key of ['plainHttp', 'registryConfig'] as const) {
        if (chart[key] && !oci) ctx.addIssue({ code: 'custom', path: [key], message: 'applies only to an oci:// chart registry (chart.repo)' });
      }
    })
    .prefault({}),
  helm: z
    .strictObject({
      binary: z.string().min(1).default('helm'),
      /** Helm processes running at once across all releases. */
      concurrency: PositiveInt.default(4),
      timeoutSeconds: PositiveInt.default(300),
      /** Where chart archives are cached per (repo, name, version). */
      cacheDir: z.string().min(1).optional(),
    })
    .prefault({}),
  /** The per-release Lease that orders writes across replicas (coordination.k8s.io/v1). */
  lease: z
    .strictObject({
      /** A holder that stops renewing for this long is taken for dead, and its pending release unlocked. */
      durationSeconds: PositiveInt.default(30),
      /** How long a call waits for a lease another operation holds before answering 503 release_busy. */
      waitSeconds: PositiveInt.max(50, 'must stay below the shim\'s timeout (at most 55 s)').default(20),
      /** Names this replica in the Lease's holderIdentity; default `<hostname>/<pid>` (the pod name in a pod). */
      identity: z.string().min(1).max(128).optional(),
    })
    .prefault({}),
  /** Namespaces are `<prefix>-<project id>`, as in magnum-capi-helm. */
  namespacePrefix: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label')
    .max(20)
    .default('magnum'),
  /** Site-wide label defaults, below template and cluster labels. */
  labelDefaults: z.record(z.string(), z.string()).default({}),
  limits: z
    .strictObject({
      minFlavorRamMb: PositiveInt.default(2048),
      minFlavorVcpus: PositiveInt.default(2),
      /** Request bodies above this are refused with 413. */
      bodyLimitBytes: PositiveInt.default(1_048_576),
    })
    .prefault({}),
  /** Cinder volume type used for the default storage class; else the first Cinder lists. */
  defaultVolumeType: z.string().min(1).optional(),
  /**
   * `allowedTopologies` of every Cinder storage class (magnum-capi-helm's
   * `csi_cinder_allowed_topologies`), in Kubernetes' own shape so the chart can pass it through.
   */
  csiCinderAllowedTopologies: z
    .array(
      z.strictObject({
        matchLabelExpressions: z
          .array(z.strictObject({ key: z.string().min(1), values: z.array(z.string().min(1)).min(1) }))
          .min(1),
      }),
    )
    .default([]),
  /**
   * The kube-apiserver audit policy written when a cluster has `audit_log_enabled`
   * (an `audit.k8s.io/v1` Policy); unset, the built-in one in values/audit.ts.
   */
  auditPolicy: z
    .record(z.string(), z.unknown())
    // A document of its own, written to the control plane as given: one setting, with only its frame checked here.
    .pipe(
      z.looseObject({
        apiVersion: z.literal('audit.k8s.io/v1'),
        kind: z.literal('Policy'),
        rules: z.array(z.looseObject({ level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']) })).min(1),
      }),
    )
    .optional(),
  /**
   * Mirrors of upstream registries on every node (containerd hosts.toml),
   * after the `container_infra_prefix` label's: upstream host → mirror URLs,
   * or `{url, capabilities, overridePath}` in the chart's shape.
   */
  registryMirrors: z.record(RegistryHost, z.array(Mirror).min(1)).default({}),
  /**
   * Credentials containerd presents to a registry: the password is read from
   * a file at start-up (a mounted Secret), never from the config itself.
   */
  registryAuth: z.record(RegistryHost, z.strictObject({ username: TomlText, passwordFile: z.string().min(1) })).default({}),
  /** CA certificates (PEM) added to every node's trust, by file name: for a registry with a private CA. */
  trustedCAs: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a name of lower-case letters, digits and -'), Pem).default({}),
  /** Registry hosts nodes may reach over plain HTTP or without verifying the certificate: never implied. */
  insecureRegistries: z.array(RegistryHost).default([]),
  /** Operator values files layered above the generated values, in order. */
  valuesOverlays: z.array(z.string().min(1)).default([]),
  status: z
    .strictObject({
      /** An addon reporting Unknown for longer than this fails the cluster. */
      addonUnknownGraceSeconds: PositiveInt.default(600),
      /** Used when Magnum sends no create_timeout (minutes). */
      defaultCreateTimeoutMinutes: PositiveInt.default(60),
      /** The Cluster API version the watches ask for; v1beta1 is served by CAPI 1.10 and, converted, by 1.11+. */
      capiVersion: z.enum(['v1beta1', 'v1beta2']).default('v1beta1'),
    })
    .prefault({}),
  /** One line per mutating call and kubeconfig read, on its own logger (stdout unless `file` is set). */
  audit: z
    .strictObject({
      enabled: z.union([z.boolean(), z.stringbool()]).default(true),
      file: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Per-caller request rate of `reader` and `admin` callers; `driver` is never limited. */
  rateLimit: z
    .strictObject({ max: PositiveInt.default(300), windowSeconds: PositiveInt.default(60) })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where development mode (no kubeconfig) keeps its local cluster and token; default `.dev` in the project. */
  devDataDir: z.string().min(1).optional(),
  /**
   * How the development cluster runs Cluster API (`MCS_DEV_CAPI`): `played` runs no controllers;
   * `real` runs the real core and kubeadm managers, with CAPO, the control plane and the workload
   * Nodes played, so a cluster goes through the real controllers.
   */
  devCapi: z.enum(['played', 'real']).default('played'),
}).superRefine((config, ctx) => {
  // An insecure mirror is a setting of its own: a stray http:// is refused, never taken as one.
  const insecure = new Set(config.insecureRegistries);
  for (const [upstream, mirrors] of Object.entries(config.registryMirrors)) {
    mirrors.forEach((m, i) => {
      const url = new URL(typeof m === 'string' ? m : m.url);
      if (url.protocol === 'http:' && !insecure.has(url.host)) {
        ctx.addIssue({ code: 'custom', path: ['registryMirrors', upstream, i], message: `plain HTTP needs ${url.host} in insecureRegistries` });
      }
    });
  }
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PREFIX = 'MCS_';
/** Records whose keys are data (label names), not schema fields. */
const RECORD_KEYS = new Set(['labelDefaults']);
/** Structured settings a variable gives as JSON; text that is not JSON is left for the schema to refuse by name. */
const JSON_KEYS = new Set(['csiCinderAllowedTopologies', 'auditPolicy', 'registryMirrors', 'registryAuth', 'trustedCAs']);

function envValue(name: string, value: string): unknown {
  if (name === 'valuesOverlays' || name === 'insecureRegistries') return value.split(',').filter(Boolean);
  if (!JSON_KEYS.has(name)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Keys whose spelling camel-casing cannot reach (`MCS_TLS__CLIENT_CA` → `clientCA`). */
const SPELLINGS: Record<string, string> = { clientCa: 'clientCA', trustedCas: 'trustedCAs' };

function camel(s: string): string {
  const word = s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return SPELLINGS[word] ?? word;
}

/**
 * `MCS_CHART__DEFAULT_VERSION=0.26.0` sets `chart.defaultVersion`; `__` nests and
 * `_` joins words. Keys of a record such as `MCS_LABEL_DEFAULTS__monitoring_enabled`
 * are kept as written. A list takes a comma-separated value; a structured setting, JSON.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || value === undefined || key === `${PREFIX}CONFIG`) continue;
    const parts = key.slice(PREFIX.length).split('__');
    let node = out;
    for (let i = 0; i < parts.length; i++) {
      const parent = i > 0 ? camel(parts[i - 1]!) : '';
      const name = RECORD_KEYS.has(parent) ? parts[i]! : camel(parts[i]!);
      if (i === parts.length - 1) {
        node[name] = envValue(name, value);
      } else {
        node = (node[name] ??= {}) as Record<string, unknown>;
      }
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function overlay(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? overlay(b, v) : v;
  }
  return out;
}

/** Paths in a config file are relative to that file, so a config directory can move. */
function resolvePaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const abs = (p: unknown) => (typeof p === 'string' && p !== '' ? resolve(baseDir, p) : p);
  const out = { ...raw };
  for (const k of ['tokensFile', 'kubeconfig', 'devDataDir']) if (k in out && out[k] !== 'in-cluster') out[k] = abs(out[k]);
  if (isPlainObject(out.tls)) {
    out.tls = { ...out.tls, cert: abs(out.tls.cert), key: abs(out.tls.key), ...('clientCA' in out.tls ? { clientCA: abs(out.tls.clientCA) } : {}) };
  }
  if (isPlainObject(out.audit) && 'file' in out.audit) out.audit = { ...out.audit, file: abs(out.audit.file) };
  if (isPlainObject(out.chart) && 'registryConfig' in out.chart) out.chart = { ...out.chart, registryConfig: abs(out.chart.registryConfig) };
  if (Array.isArray(out.valuesOverlays)) out.valuesOverlays = out.valuesOverlays.map(abs);
  if (isPlainObject(out.registryAuth)) {
    out.registryAuth = Object.fromEntries(Object.entries(out.registryAuth).map(([host, auth]) => [host, isPlainObject(auth) && 'passwordFile' in auth ? { ...auth, passwordFile: abs(auth.passwordFile) } : auth]));
  }
  return out;
}

export function parseConfig(raw: unknown): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}

/** Reads `MCS_CONFIG` (YAML) if set, then overlays the `MCS_*` variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  let fromFile: Record<string, unknown> = {};
  const file = env[`${PREFIX}CONFIG`];
  if (file) {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError([`MCS_CONFIG: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
    }
    let parsed: unknown;
    try {
      parsed = loadYaml(text) ?? {};
    } catch (err) {
      throw new ConfigError([`MCS_CONFIG: ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
    }
    if (!isPlainObject(parsed)) throw new ConfigError([`MCS_CONFIG: ${path} must hold a YAML mapping`]);
    fromFile = resolvePaths(parsed, dirname(path));
  }
  const fromEnv = resolvePaths(configFromEnv(env), cwd);
  return parseConfig(overlay(fromFile, fromEnv));
}
