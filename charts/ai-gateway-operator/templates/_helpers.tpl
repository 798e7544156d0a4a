{{/* Names, labels and the image: everything two or more templates must agree on. */}}

{{- define "ai-gateway-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object; the release name alone when it already says what it is. */}}
{{- define "ai-gateway-operator.fullname" -}}
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

{{/* Component names leave room for the suffixes Kubernetes adds to pods (52 + "-controller" stays under 63). */}}
{{- define "ai-gateway-operator.controller.fullname" -}}
{{- printf "%s-controller" (include "ai-gateway-operator.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{- define "ai-gateway-operator.webhook.fullname" -}}
{{- printf "%s-webhook" (include "ai-gateway-operator.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{/*
A name made of a base and a suffix, e.g. (dict "base" <controller fullname> "suffix" "-metrics"): the base is
shortened so that the whole stays within 63 characters, the limit of most object names (a DNS label).
*/}}
{{- define "ai-gateway-operator.suffixedName" -}}
{{- printf "%s%s" (.base | trunc (int (sub 63 (len .suffix))) | trimSuffix "-") .suffix }}
{{- end }}

{{- define "ai-gateway-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ai-gateway-operator.labels" -}}
helm.sh/chart: {{ include "ai-gateway-operator.chart" . }}
app.kubernetes.io/name: {{ include "ai-gateway-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai-gateway-operator
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels never change across upgrades: a Deployment's selector is immutable. */}}
{{- define "ai-gateway-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ai-gateway-operator.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ai-gateway-operator.componentLabels" -}}
{{ include "ai-gateway-operator.labels" .context }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ai-gateway-operator.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "ai-gateway-operator.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create }}
{{- default (include "ai-gateway-operator.controller.fullname" .) .Values.controller.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.controller.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ai-gateway-operator.webhook.serviceAccountName" -}}
{{- if .Values.webhook.serviceAccount.create }}
{{- default (include "ai-gateway-operator.webhook.fullname" .) .Values.webhook.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.webhook.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Lease the controller replicas compete for. */}}
{{- define "ai-gateway-operator.controller.leaseName" -}}
{{- include "ai-gateway-operator.controller.fullname" . }}
{{- end }}

{{/* The Secret holding the webhook's serving certificate, whoever writes it. */}}
{{- define "ai-gateway-operator.webhook.certificateSecretName" -}}
{{- $certificates := .Values.webhook.certificates }}
{{- if eq $certificates.mode "secret" }}
{{- $certificates.secret.name }}
{{- else }}
{{- include "ai-gateway-operator.suffixedName" (dict "base" (include "ai-gateway-operator.webhook.fullname" .) "suffix" "-certs") }}
{{- end }}
{{- end }}

{{- define "ai-gateway-operator.validatingWebhookConfigurationName" -}}
{{- include "ai-gateway-operator.suffixedName" (dict "base" (include "ai-gateway-operator.fullname" .) "suffix" "-validating") }}
{{- end }}

{{- define "ai-gateway-operator.mutatingWebhookConfigurationName" -}}
{{- include "ai-gateway-operator.suffixedName" (dict "base" (include "ai-gateway-operator.fullname" .) "suffix" "-mutating") }}
{{- end }}

{{/* The kinds of the CRDs in crds/: what the webhook admits and converts. */}}
{{- define "ai-gateway-operator.kinds" -}}
- group: gateway.example.com
  resource: apigatewayroutes
- group: ai.example.com
  resource: aimodels
{{- end }}

{{- define "ai-gateway-operator.crdNames" -}}
{{- range include "ai-gateway-operator.kinds" . | fromYamlArray }}
- {{ printf "%s.%s" .resource .group }}
{{- end }}
{{- end }}

{{/* Whether the webhook runs in the cluster, as opposed to at webhook.externalURL during development. */}}
{{- define "ai-gateway-operator.webhook.inCluster" -}}
{{- if not .Values.webhook.externalURL }}true{{ end }}
{{- end }}

{{/* Where the webhook finds a certificate it does not manage itself. */}}
{{- define "ai-gateway-operator.webhook.certDir" -}}
/etc/ai-gateway-operator/webhook-certs
{{- end }}

{{/* How the API server reaches the webhook at a path: the Service, or webhook.externalURL in development. */}}
{{- define "ai-gateway-operator.webhook.clientConfig" -}}
{{- $ := .context }}
{{- $certificates := $.Values.webhook.certificates }}
{{- if $.Values.webhook.externalURL }}
{{- /* Only a self-managed certificate names the URL's host (see webhook.args); any other would be refused. */}}
{{- if ne $certificates.mode "selfManaged" }}
{{- fail (printf "webhook.externalURL requires webhook.certificates.mode selfManaged (not %s): only the webhook's own certificate is issued for the URL's host" $certificates.mode) }}
{{- end }}
url: {{ printf "%s%s" (trimSuffix "/" $.Values.webhook.externalURL) .path | quote }}
{{- else }}
service:
  name: {{ include "ai-gateway-operator.webhook.fullname" $ }}
  namespace: {{ $.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- end }}
{{- if eq $certificates.mode "secret" }}
caBundle: {{ $certificates.secret.caBundle }}
{{- end }}
{{- end }}

{{/* The serving Certificate, as cert-manager's cainjector names it: <namespace>/<name>. */}}
{{- define "ai-gateway-operator.webhook.injectCAFrom" -}}
{{ printf "%s/%s" .Release.Namespace (include "ai-gateway-operator.webhook.fullname" .) }}
{{- end }}

{{/* Who fills in the webhook configurations' caBundle, when it is not the chart or the webhook itself. */}}
{{- define "ai-gateway-operator.webhook.caInjectionAnnotations" -}}
{{- if eq .Values.webhook.certificates.mode "certManager" }}
cert-manager.io/inject-ca-from: {{ include "ai-gateway-operator.webhook.injectCAFrom" . }}
{{- end }}
{{- end }}

{{/* A Go duration as values.schema.json accepts it (e.g. 2160h, 1h30m, 90m, 1.5h), in seconds. */}}
{{- define "ai-gateway-operator.durationSeconds" -}}
{{- $unitSeconds := dict "h" 3600.0 "m" 60.0 "s" 1.0 "ms" 0.001 "us" 0.000001 "µs" 0.000001 "ns" 0.000000001 }}
{{- $seconds := 0.0 }}
{{- range regexFindAll "[0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h)" . -1 }}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" . }}
{{- $seconds = addf $seconds (mulf (float64 $number) (get $unitSeconds (trimPrefix $number .))) }}
{{- end }}
{{- $seconds }}
{{- end }}
