{{/* What the monitoring templates agree on: when a monitoring.coreos.com object renders, and the job names. */}}

{{/*
Whether to render a monitoring.coreos.com/v1 object of a kind, e.g. (dict "context" . "kind" "PrometheusRule"):
when the cluster serves it, or when metrics.assumeMonitoringAPI says to render it anyway (helm template, Argo CD).
*/}}
{{- define "ai-gateway-operator.monitoring.apiAvailable" -}}
{{- if or .context.Values.metrics.assumeMonitoringAPI (.context.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" .kind)) }}true{{ end }}
{{- end }}

{{- define "ai-gateway-operator.controller.metricsServiceName" -}}
{{- include "ai-gateway-operator.suffixedName" (dict "base" (include "ai-gateway-operator.controller.fullname" .) "suffix" "-metrics") }}
{{- end }}

{{/*
The job label of each process's targets, which alerts select on: a ServiceMonitor names the job after the
Service it scrapes.
*/}}
{{- define "ai-gateway-operator.monitoring.controllerJob" -}}
{{- include "ai-gateway-operator.controller.metricsServiceName" . }}
{{- end }}

{{- define "ai-gateway-operator.monitoring.webhookJob" -}}
{{- include "ai-gateway-operator.webhook.fullname" . }}
{{- end }}

{{/* The PodMonitor of the gateway pods. */}}
{{- define "ai-gateway-operator.monitoring.gatewayPodMonitorName" -}}
{{- include "ai-gateway-operator.suffixedName" (dict "base" (include "ai-gateway-operator.fullname" .) "suffix" "-gateways") }}
{{- end }}

{{/*
The job label of the gateway pods' targets: a PodMonitor names the job <its namespace>/<its name>.
*/}}
{{- define "ai-gateway-operator.monitoring.gatewayJob" -}}
{{- printf "%s/%s" .Release.Namespace (include "ai-gateway-operator.monitoring.gatewayPodMonitorName" .) }}
{{- end }}

{{/* The labels of an alert, e.g. (dict "context" . "severity" "warning"): its severity and metrics.prometheusRule.alertLabels. */}}
{{- define "ai-gateway-operator.monitoring.alertLabels" -}}
severity: {{ .severity }}
{{- with omit .context.Values.metrics.prometheusRule.alertLabels "severity" }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* runbook_url of an alert, e.g. (dict "context" . "alert" "AIGatewayNoLeader"): the README section of that name. */}}
{{- define "ai-gateway-operator.monitoring.runbook" -}}
{{- with .context.Values.metrics.prometheusRule.runbookURL }}
runbook_url: {{ printf "%s#%s" (trimSuffix "/" .) (lower $.alert) | quote }}
{{- end }}
{{- end }}
