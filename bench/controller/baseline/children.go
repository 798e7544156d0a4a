// The ConfigMap, Service and Deployment aim-<name> of a served AIModel, rendered field for field as the
// TypeScript controller renders them (controller/children/model), as JSON-shaped maps, so that both
// controllers apply the same objects, stamp the same desired-state hash and own the same fields.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	fieldManager          = "ai-gateway-operator"
	managedByLabel        = "app.kubernetes.io/managed-by"
	managedByValue        = "ai-gateway-operator"
	modelLabel            = "ai-gateway-operator/aimodel"
	configHashAnnotation  = "ai-gateway-operator/config-hash"
	appliedHashAnnotation = "gateway.example.com/applied-hash"
	modelConfigKey        = "model.json"
	modelConfigDir        = "/etc/aimodel"
	configVolume          = "model-config"
	defaultModelPort      = 8080
	defaultModelReplicas  = 1
	modelServicePort      = 80
)

type object = map[string]any

// modelPlan is what a served model should have, or why it cannot be served (invalid).
type modelPlan struct {
	configMap, service, deployment object
	endpoint                       string
	replicas                       int64
	invalid                        string
}

func modelChildName(model string) string { return "aim-" + model }

func modelSelectorLabels(model string) object {
	return object{modelLabel: model, "app.kubernetes.io/component": "model-server"}
}

func modelLabels(model string) object {
	labels := object{
		managedByLabel:               managedByValue,
		"app.kubernetes.io/name":     "aimodel",
		"app.kubernetes.io/instance": model,
	}
	for k, v := range modelSelectorLabels(model) {
		labels[k] = v
	}
	return labels
}

func childMetadata(model *unstructured.Unstructured) object {
	return object{
		"name":      modelChildName(model.GetName()),
		"namespace": model.GetNamespace(),
		"labels":    modelLabels(model.GetName()),
		"ownerReferences": []any{object{
			"apiVersion":         model.GetAPIVersion(),
			"kind":               model.GetKind(),
			"name":               model.GetName(),
			"uid":                string(model.GetUID()),
			"controller":         true,
			"blockOwnerDeletion": true,
		}},
	}
}

// marshalJS is JSON.stringify's output for JSON-shaped values: no HTML escaping, optional indent.
func marshalJS(value any, indent string) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(value); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// shortHash is the first 32 hex digits of the SHA-256 of the value's canonical JSON (map keys sorted,
// which encoding/json does), as shared/util/json.ts canonicalJSON and the TypeScript hashes compute it.
func shortHash(value any) (string, error) {
	text, err := marshalJS(value, "")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:32], nil
}

// modelConfiguration keeps the TypeScript key order: the ConfigMap holds this text, so order matters.
type modelConfiguration struct {
	ModelName      any `json:"modelName,omitempty"`
	Provider       any `json:"provider,omitempty"`
	Version        any `json:"version,omitempty"`
	Type           any `json:"type,omitempty"`
	Endpoint       any `json:"endpoint,omitempty"`
	Parameters     any `json:"parameters"`
	AccessPolicies any `json:"accessPolicies"`
}

func renderConfigMap(model *unstructured.Unstructured, spec object) (object, error) {
	config := modelConfiguration{
		ModelName: spec["modelName"], Provider: spec["modelProvider"], Version: spec["modelVersion"],
		Type: spec["modelType"], Endpoint: spec["endpoint"],
		Parameters: orDefault(spec["parameters"], object{}), AccessPolicies: orDefault(spec["accessPolicies"], []any{}),
	}
	text, err := marshalJS(config, "  ")
	if err != nil {
		return nil, err
	}
	return object{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   childMetadata(model),
		"data":       object{modelConfigKey: text + "\n"},
	}, nil
}

func renderService(model *unstructured.Unstructured) object {
	return object{
		"apiVersion": "v1",
		"kind":       "Service",
		"metadata":   childMetadata(model),
		"spec": object{
			"type":     "ClusterIP",
			"selector": modelSelectorLabels(model.GetName()),
			"ports": []any{object{
				"name": "http", "port": int64(modelServicePort), "targetPort": "http", "protocol": "TCP",
			}},
		},
	}
}

func tcpProbe(periodSeconds, failureThreshold int64) object {
	return object{
		"tcpSocket":        object{"port": "http"},
		"periodSeconds":    periodSeconds,
		"timeoutSeconds":   int64(1),
		"failureThreshold": failureThreshold,
	}
}

// canonicalEnv leaves out empty values, as the API server stores them (omitempty).
func canonicalEnv(env []any) []any {
	out := make([]any, 0, len(env))
	for _, entry := range env {
		e, ok := entry.(object)
		if !ok {
			out = append(out, entry)
			continue
		}
		copied := object{}
		for k, v := range e {
			if k != "value" || (v != nil && v != "") {
				copied[k] = v
			}
		}
		out = append(out, copied)
	}
	return out
}

// canonicalQuantity is the form the API server stores ("0.5" -> "500m", "1024Mi" -> "1Gi").
func canonicalQuantity(value any) (string, error) {
	var text string
	switch v := value.(type) {
	case string:
		text = v
	case int64:
		text = strconv.FormatInt(v, 10)
	case float64:
		text = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return "", fmt.Errorf("%v is not a quantity", value)
	}
	q, err := resource.ParseQuantity(text)
	if err != nil {
		return "", fmt.Errorf("%q is not a quantity: %w", text, err)
	}
	return q.String(), nil
}

// canonicalResources drops empty lists, and is nil when both are empty.
func canonicalResources(resources any) (object, error) {
	in, _ := resources.(object)
	out := object{}
	for _, list := range []string{"requests", "limits"} {
		entries, _ := in[list].(object)
		if len(entries) == 0 {
			continue
		}
		canonical := object{}
		for name, q := range entries {
			text, err := canonicalQuantity(q)
			if err != nil {
				return nil, fmt.Errorf("spec.resources: Invalid value: %w", err)
			}
			canonical[name] = text
		}
		out[list] = canonical
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func renderDeployment(model *unstructured.Unstructured, spec, configMap object, image string, replicas int64) (object, error) {
	name := model.GetName()
	configHash, err := shortHash(configMap["data"])
	if err != nil {
		return nil, err
	}
	port, _ := spec["port"].(int64)
	if _, set := spec["port"]; !set {
		port = defaultModelPort
	}
	container := object{
		"name":           "model",
		"image":          image,
		"ports":          []any{object{"name": "http", "containerPort": port, "protocol": "TCP"}},
		"readinessProbe": tcpProbe(5, 3),
		"livenessProbe":  tcpProbe(10, 6),
		"securityContext": object{
			"allowPrivilegeEscalation": false,
			"runAsNonRoot":             true,
			"capabilities":             object{"drop": []any{"ALL"}},
			"seccompProfile":           object{"type": "RuntimeDefault"},
		},
		"volumeMounts": []any{object{"name": configVolume, "mountPath": modelConfigDir, "readOnly": true}},
	}
	if env, _ := spec["env"].([]any); len(env) > 0 {
		container["env"] = canonicalEnv(env)
	}
	resources, err := canonicalResources(spec["resources"])
	if err != nil {
		return nil, err
	}
	if resources != nil {
		container["resources"] = resources
	}
	return object{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   childMetadata(model),
		"spec": object{
			"replicas": replicas,
			"selector": object{"matchLabels": modelSelectorLabels(name)},
			"template": object{
				"metadata": object{
					"labels":      modelLabels(name),
					"annotations": object{configHashAnnotation: configHash},
				},
				"spec": object{
					"automountServiceAccountToken": false,
					"securityContext": object{
						"runAsNonRoot":   true,
						"seccompProfile": object{"type": "RuntimeDefault"},
					},
					"containers": []any{container},
					"volumes": []any{object{
						"name": configVolume, "configMap": object{"name": modelChildName(name)},
					}},
				},
			},
		},
	}, nil
}

// planModel renders a model's children. Only models served from spec.image are in the baseline's scope:
// the benchmark creates no others, and the TypeScript controller's full v1 validation is not repeated.
func planModel(model *unstructured.Unstructured) modelPlan {
	spec, _ := model.Object["spec"].(object)
	image, _ := spec["image"].(string)
	if image == "" {
		return modelPlan{invalid: "spec.image: Required value: the baseline serves only models with an image"}
	}
	replicas, _ := spec["replicas"].(int64)
	if _, set := spec["replicas"]; !set {
		replicas = defaultModelReplicas
	}
	configMap, err := renderConfigMap(model, spec)
	if err != nil {
		return modelPlan{invalid: err.Error()}
	}
	deployment, err := renderDeployment(model, spec, configMap, image, replicas)
	if err != nil {
		return modelPlan{invalid: err.Error()}
	}
	return modelPlan{
		configMap:  configMap,
		service:    renderService(model),
		deployment: deployment,
		endpoint:   fmt.Sprintf("http://%s.%s.svc", modelChildName(model.GetName()), model.GetNamespace()),
		replicas:   replicas,
	}
}

func orDefault(value, fallback any) any {
	if value == nil {
		return fallback
	}
	return value
}
