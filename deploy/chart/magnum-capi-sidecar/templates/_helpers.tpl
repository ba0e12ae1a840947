{{/* The release's full name, cut to 63 characters as Kubernetes names need. */}}
{{- define "mcs.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mcs.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mcs.labels" -}}
{{ include "mcs.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "mcs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mcs.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* HTTPS or HTTP, for probes and the ServiceMonitor. */}}
{{- define "mcs.scheme" -}}
{{- if .Values.tls.enabled -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}

{{/* Where the pod mounts what. */}}
{{- define "mcs.paths" -}}
config: /etc/magnum-capi-sidecar/config
tokens: /etc/magnum-capi-sidecar/tokens
tls: /etc/magnum-capi-sidecar/tls
overlays: /etc/magnum-capi-sidecar/overlays
{{- end -}}

{{/*
config.yaml: the operator's settings, with those the chart owns set from the
other values. An empty defaultVolumeType is left out (the service would refuse
an empty name).
*/}}
{{- define "mcs.config" -}}
{{- $paths := include "mcs.paths" . | fromYaml -}}
{{- $config := deepCopy .Values.config -}}
{{- if not $config.defaultVolumeType -}}
{{- $_ := unset $config "defaultVolumeType" -}}
{{- end -}}
{{- if not $config.auditPolicy -}}
{{- $_ := unset $config "auditPolicy" -}}
{{- end -}}
{{- if and $config.audit (not $config.audit.file) -}}
{{- $_ := unset $config.audit "file" -}}
{{- end -}}
{{- if and $config.chart (not $config.chart.registryConfig) -}}
{{- $_ := unset $config.chart "registryConfig" -}}
{{- end -}}
{{- /* Label values are strings to the service; YAML would make `true` or `10` something else. */ -}}
{{- $labels := dict -}}
{{- range $k, $v := $config.labelDefaults -}}
{{- $_ := set $labels $k (toString $v) -}}
{{- end -}}
{{- $_ := set $config "labelDefaults" $labels -}}
{{- $_ := set $config "listen" "0.0.0.0:8080" -}}
{{- $_ := set $config "kubeconfig" "in-cluster" -}}
{{- $_ := set $config "tokensFile" (printf "%s/%s" $paths.tokens .Values.tokens.key) -}}
{{- if .Values.tls.enabled -}}
{{- $tls := dict "cert" (printf "%s/tls.crt" $paths.tls) "key" (printf "%s/tls.key" $paths.tls) -}}
{{- if .Values.tls.clientCAKey -}}
{{- $_ := set $tls "clientCA" (printf "%s/%s" $paths.tls .Values.tls.clientCAKey) -}}
{{- end -}}
{{- $_ := set $config "tls" $tls -}}
{{- end -}}
{{- $overlays := list -}}
{{- range $name, $_ := .Values.valuesOverlays -}}
{{- $overlays = append $overlays (printf "%s/%s" $paths.overlays $name) -}}
{{- end -}}
{{- $_ := set $config "valuesOverlays" $overlays -}}
{{- toYaml $config -}}
{{- end -}}
