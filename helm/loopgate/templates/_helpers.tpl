{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "loopgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name of the release's objects: fullnameOverride, or <release>-<name>, or <release> when it
already contains the name.
*/}}
{{- define "loopgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Chart label value: <name>-<version>.
*/}}
{{- define "loopgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels. Selectors are immutable: only name and instance, never version or chart.
*/}}
{{- define "loopgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loopgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Labels on every object.
*/}}
{{- define "loopgate.labels" -}}
helm.sh/chart: {{ include "loopgate.chart" . }}
{{ include "loopgate.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: loopgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
ServiceAccount name.
*/}}
{{- define "loopgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "loopgate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Image reference: repository[:tag][@digest], tag defaulting to the chart's appVersion.
*/}}
{{- define "loopgate.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
terminationGracePeriodSeconds: it must outlast the preStop sleep plus the gateway's drain grace
period, or the kubelet kills the JVM in the middle of draining.
*/}}
{{- define "loopgate.terminationGracePeriodSeconds" -}}
{{- $s := .Values.shutdown -}}
{{- $needed := add $s.preStopSleepSeconds $s.gracePeriodSeconds -}}
{{- if kindIs "invalid" $s.terminationGracePeriodSeconds -}}
{{- add $needed 10 -}}
{{- else if le (int $s.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "shutdown.terminationGracePeriodSeconds (%v) must exceed shutdown.preStopSleepSeconds + shutdown.gracePeriodSeconds (%v)" $s.terminationGracePeriodSeconds $needed) -}}
{{- else -}}
{{- $s.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/*
Replicas that are guaranteed to run: the HPA's minimum when autoscaling, replicaCount otherwise.
*/}}
{{- define "loopgate.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- .Values.autoscaling.minReplicas -}}
{{- else -}}
{{- .Values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/*
The application.yml the pod reads with SPRING_CONFIG_ADDITIONAL_LOCATION. Only keys of the
loopgate.* contract and two standard Spring Boot management settings.
*/}}
{{- define "loopgate.applicationYaml" -}}
{{- $lg := deepCopy .Values.loopgate -}}
{{- $_ := set $lg "shutdown" (dict "grace-period" (printf "%ds" (int .Values.shutdown.gracePeriodSeconds))) -}}
{{- $_ := set $lg "demo" (dict "enabled" false) -}}
{{- $app := dict "loopgate" $lg -}}
{{- $_ := set $app "management" (dict "server" (dict "port" .Values.management.port) "endpoint" (dict "health" (dict "probes" (dict "enabled" true)))) -}}
{{- toYaml $app -}}
{{- end -}}
