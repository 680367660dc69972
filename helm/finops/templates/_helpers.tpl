{{/* Names and labels shared by the chart's objects. */}}
{{- define "finops.fullname" -}}
{{- printf "%s-finops" .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "finops.labels" -}}
app.kubernetes.io/name: finops
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "finops.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* The platform's settings (FINOPS_*), secrets as Vault references resolved by finops.secrets. */}}
{{- define "finops.env" -}}
- name: FINOPS_ENVIRONMENT
  value: {{ .Values.environment | quote }}
- name: FINOPS_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: FINOPS_LOG_JSON
  value: "true"
- name: FINOPS_HOME
  value: /var/lib/finops
- name: FINOPS_DATABASE_URL
  value: {{ .Values.database.url | quote }}
{{- if .Values.vault.enabled }}
- name: FINOPS_SECRETS_PROVIDER
  value: vault
- name: FINOPS_VAULT_ADDR
  value: {{ .Values.vault.address | quote }}
- name: FINOPS_VAULT_MOUNT
  value: {{ .Values.vault.mount | quote }}
- name: FINOPS_VAULT_AUTH_METHOD
  value: {{ .Values.vault.authMethod | quote }}
{{- end }}
{{- end -}}

{{/* Vault Agent injector annotations for a pod running as service account `role`. */}}
{{- define "finops.vaultAnnotations" -}}
{{- if and .root.Values.vault.enabled .root.Values.vault.agentInjector }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ .role | quote }}
vault.hashicorp.com/agent-cache-enable: "true"
vault.hashicorp.com/agent-inject-token: "true"
{{- end }}
{{- end -}}
