{{/*
The command lines of the two processes, in one place: the flags are the contract between the chart and
controller/main.ts and webhook/main.ts (their READMEs list them).
*/}}

{{- define "ai-gateway-operator.controller.args" -}}
{{- $controller := .Values.controller }}
- dist/controller/main.js
- --log-level={{ .Values.logLevel }}
- --workers={{ $controller.workers }}
- --leader-elect={{ $controller.leaderElection.enabled }}
- --leader-election-id={{ include "ai-gateway-operator.controller.leaseName" . }}
- --leader-election-namespace={{ .Release.Namespace }}
- --metrics-bind-address=:{{ $controller.ports.metrics }}
- --health-probe-bind-address=:{{ $controller.ports.health }}
- --gateway-image={{ .Values.gateway.image }}
{{- /* The gateway pods' reloader runs from this chart's own image. */}}
- --gateway-reloader-image={{ include "ai-gateway-operator.image" . }}
- --gateway-worker-shutdown-timeout-seconds={{ .Values.gateway.workerShutdownTimeoutSeconds }}
- --gateway-termination-grace-period-seconds={{ .Values.gateway.terminationGracePeriodSeconds }}
{{- with .Values.gateway.resolver }}
- --gateway-resolver={{ . }}
{{- end }}
{{- /* All four, empty when not set, so a value removed here does not fall back to the controller's default. */}}
{{- $resources := .Values.gateway.resources | default dict }}
- --gateway-cpu-request={{ dig "requests" "cpu" "" $resources }}
- --gateway-memory-request={{ dig "requests" "memory" "" $resources }}
- --gateway-cpu-limit={{ dig "limits" "cpu" "" $resources }}
- --gateway-memory-limit={{ dig "limits" "memory" "" $resources }}
{{- with $controller.watchNamespaces }}
- --namespaces={{ join "," . }}
{{- end }}
- --allow-local-egress={{ dig "allowLocalEgress" false (.Values.security | default dict) }}
{{- with dig "allowedModelImages" (list) (.Values.security | default dict) }}
- --allowed-model-images={{ join "," . }}
{{- end }}
{{- range $controller.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{- define "ai-gateway-operator.webhook.args" -}}
{{- $webhook := .Values.webhook }}
{{- $certificates := $webhook.certificates }}
{{- $port := $webhook.ports.https }}
{{- $extraSANs := $certificates.extraSANs }}
{{- /* Outside the cluster the process listens where webhook.externalURL points, with a certificate for its host. */}}
{{- with $webhook.externalURL }}
{{- $host := (urlParse .).host }}
{{- $port = regexFind ":[0-9]+$" $host | trimPrefix ":" | default "443" }}
{{- $extraSANs = append $extraSANs (regexReplaceAll ":[0-9]+$" $host "" | trimPrefix "[" | trimSuffix "]") | uniq }}
{{- end }}
- dist/webhook/main.js
- --log-level={{ .Values.logLevel }}
- --port={{ $port }}
- --health-probe-bind-address=:{{ $webhook.ports.health }}
- --service-name={{ include "ai-gateway-operator.webhook.fullname" . }}
- --service-namespace={{ .Release.Namespace }}
- --reference-checks={{ $webhook.referenceWarnings.enabled }}
- --secret-reference-checks={{ and $webhook.referenceWarnings.enabled $webhook.referenceWarnings.secrets }}
{{- /* The same value as the controller's, so that admission and the gateways agree. */}}
{{- $security := .Values.security | default dict }}
- --allow-local-egress={{ dig "allowLocalEgress" false $security }}
{{- with dig "allowedModelImages" (list) $security }}
- --allowed-model-images={{ join "," . }}
{{- end }}
{{- if eq $certificates.mode "selfManaged" }}
- --cert-mode=self-managed
- --secret-name={{ include "ai-gateway-operator.webhook.certificateSecretName" . }}
- --secret-namespace={{ .Release.Namespace }}
- --inject-ca-bundle=true
- --validating-webhook-configuration={{ include "ai-gateway-operator.validatingWebhookConfigurationName" . }}
- --mutating-webhook-configuration={{ include "ai-gateway-operator.mutatingWebhookConfigurationName" . }}
{{- with $extraSANs }}
- --extra-sans={{ join "," . }}
{{- end }}
{{- else }}
{{- /* A mounted Secret: no API access to it, and the kubelet updates the files when it is renewed. */}}
- --cert-mode=cert-dir
- --cert-dir={{ include "ai-gateway-operator.webhook.certDir" . }}
{{- end }}
{{- /* crds/ is not templated: the webhook points their conversion at this release's Service itself. */}}
- --wire-crd-conversion=true
- --crd-names={{ include "ai-gateway-operator.crdNames" . | fromYamlArray | join "," }}
{{- if eq $certificates.mode "certManager" }}
- --crd-inject-ca-from={{ include "ai-gateway-operator.webhook.injectCAFrom" . }}
{{- end }}
{{- range $webhook.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end }}
