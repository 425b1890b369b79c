{{/* Chart name, shortened to the 63 characters Kubernetes allows in names. */}}
{{- define "consortia.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, with the chart name unless it already contains it. */}}
{{- define "consortia.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "consortia.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consortia.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "consortia.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "consortia.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "consortia.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "consortia.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding database-url, smtp-url and metrics-token. */}}
{{- define "consortia.secretName" -}}
{{- default (include "consortia.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* Whether a secret key can be referenced: always with an existing Secret (optional keys are marked optional), else when its value is set. */}}
{{- define "consortia.hasSecret" -}}
{{- if or .root.Values.secrets.existingSecret .value }}true{{ end }}
{{- end }}

{{- define "consortia.baseURL" -}}
{{- if .Values.config.baseURL }}
{{- .Values.config.baseURL }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- $scheme := ternary "https" "http" (gt (len .Values.ingress.tls) 0) }}
{{- printf "%s://%s" $scheme $host }}
{{- end }}
{{- end }}

{{/* Refuses combinations that cannot work, with a message saying what to change. */}}
{{- define "consortia.validate" -}}
{{- $mode := .Values.database.mode }}
{{- if not (has $mode (list "sqlite" "postgres")) }}
{{- fail (printf "database.mode must be sqlite or postgres, not %q" $mode) }}
{{- end }}
{{- if and (eq $mode "sqlite") (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "replicaCount is %d but database.mode sqlite allows exactly one replica (one process owns the embedded database); use database.mode postgres to run more" (int .Values.replicaCount)) }}
{{- end }}
{{- if lt (int .Values.replicaCount) 1 }}
{{- fail "replicaCount must be at least 1" }}
{{- end }}
{{- if and (eq $mode "postgres") (not .Values.secrets.existingSecret) (not .Values.secrets.databaseURL) }}
{{- fail "database.mode postgres needs the database URL: set secrets.databaseURL, or secrets.existingSecret naming a Secret with the key database-url" }}
{{- end }}
{{- if and .Values.secrets.metricsToken (lt (len .Values.secrets.metricsToken) 16) }}
{{- fail "secrets.metricsToken must be at least 16 characters" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled (the ServiceMonitor scrapes the metrics port)" }}
{{- end }}
{{- end }}
