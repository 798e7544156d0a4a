{{/*
What the controller's and the webhook's NetworkPolicies share (networkPolicy.*): who may scrape and probe
them, and, with networkPolicy.egress.enabled, where they may connect.
*/}}

{{/* Whether the policies' egress rules are rendered; fails when they could not let the API server through. */}}
{{- define "ai-gateway-operator.networkPolicy.egressEnabled" -}}
{{- $egress := .Values.networkPolicy.egress }}
{{- if $egress.enabled }}
{{- if not $egress.apiServer.cidrs }}
{{- fail "networkPolicy.egress.enabled needs networkPolicy.egress.apiServer.cidrs: without the API server's addresses both processes would be cut off from it (see the chart README's \"Network policies\")" }}
{{- end }}
{{- if not $egress.apiServer.ports }}
{{- fail "networkPolicy.egress.enabled needs networkPolicy.egress.apiServer.ports: the ports the API server's addresses listen on (often 443 or 6443)" }}
{{- end }}
true
{{- end }}
{{- end }}

{{/*
An ingress rule admitting networkPolicy.metricsFrom to the given ports (a list of numbers), or nothing when
no peer is given: a rule without `from` would admit every source.
*/}}
{{- define "ai-gateway-operator.networkPolicy.metricsIngress" -}}
{{- with .context.Values.networkPolicy.metricsFrom }}
- from:
    {{- toYaml . | nindent 4 }}
  ports:
    {{- range $.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end }}
{{- end }}

{{/* The egress rules both processes need: the API server, and DNS unless networkPolicy.egress.dns.enabled is false. */}}
{{- define "ai-gateway-operator.networkPolicy.commonEgress" -}}
{{- $egress := .Values.networkPolicy.egress }}
- to:
    {{- range $egress.apiServer.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    {{- range $egress.apiServer.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- if $egress.dns.enabled }}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- /* No peer: DNS wherever the pods' resolv.conf points. */}}
  {{- with $egress.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- with $egress.extraRules }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The port the controller reads the gateway pods' reloaders on: its --gateway-reloader-port, from
controller.extraArgs when given there, otherwise the controller's default.
*/}}
{{- define "ai-gateway-operator.networkPolicy.gatewayReloaderPort" -}}
{{- $port := "9901" }}
{{- range .Values.controller.extraArgs }}
{{- if hasPrefix "--gateway-reloader-port=" . }}
{{- $port = trimPrefix "--gateway-reloader-port=" . }}
{{- end }}
{{- end }}
{{- $port }}
{{- end }}
