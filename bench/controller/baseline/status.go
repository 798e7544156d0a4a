// An AIModel's status as the TypeScript controller computes it (controller/status/model-status.ts,
// conditions.ts, deployment-rollout.ts): phase, reason, endpoint and the Ready, Progressing and Degraded
// conditions at the model's generation, with times that move only when something else does, so that an
// unchanged state computes an equal status and costs no write.
package main

import (
	"fmt"
	"maps"
	"time"

	appsv1 "k8s.io/api/apps/v1"
)

type rolloutState int

const (
	rolloutProgressing rolloutState = iota
	rolloutAvailable
	rolloutFailed
)

type rollout struct {
	state     rolloutState
	available int64
	message   string
}

func deploymentRollout(d *appsv1.Deployment) rollout {
	desired := int64(1)
	if d.Spec.Replicas != nil {
		desired = int64(*d.Spec.Replicas)
	}
	available := int64(d.Status.AvailableReplicas)
	progress := rollout{
		state:     rolloutProgressing,
		available: available,
		message:   fmt.Sprintf("Deployment %s: rolling out, %d of %d pods available", d.Name, available, desired),
	}
	if d.Status.ObservedGeneration < d.Generation {
		return progress
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded" {
			message := c.Message
			if message == "" {
				message = "progress deadline exceeded"
			}
			return rollout{
				state:     rolloutFailed,
				available: available,
				message:   fmt.Sprintf("Deployment %s: rollout stalled: %s", d.Name, message),
			}
		}
	}
	updated := int64(d.Status.UpdatedReplicas)
	old := int64(d.Status.Replicas) - updated
	if updated < desired || old > 0 || available < desired {
		return progress
	}
	return rollout{
		state:     rolloutAvailable,
		available: available,
		message:   fmt.Sprintf("Deployment %s: %d of %d pods available", d.Name, available, desired),
	}
}

type conditionDecision struct{ kind, status, reason, message string }

// decision is a model outcome put into status terms.
type decision struct {
	phase, message            string
	ready, progress, degraded conditionDecision
	endpoint                  string
}

var notDegraded = conditionDecision{"Degraded", "False", "AsExpected", "No problems found"}

func servedDecision(r rollout, desiredReplicas int64, endpoint string) decision {
	switch {
	case r.state == rolloutFailed:
		return decision{
			phase: "Error", message: r.message, endpoint: endpoint,
			ready:    conditionDecision{"Ready", "False", "ProgressDeadlineExceeded", r.message},
			progress: conditionDecision{"Progressing", "False", "ProgressDeadlineExceeded", r.message},
			degraded: conditionDecision{"Degraded", "True", "ProgressDeadlineExceeded", r.message},
		}
	case r.state == rolloutProgressing:
		phase, reason := "Initializing", "Initializing"
		if r.available > 0 {
			phase, reason = "Updating", "Updating"
		}
		return decision{
			phase: phase, message: r.message, endpoint: endpoint,
			ready:    conditionDecision{"Ready", "False", reason, r.message},
			progress: conditionDecision{"Progressing", "True", "RollingOut", r.message},
			degraded: notDegraded,
		}
	case desiredReplicas == 0:
		message := "spec.replicas is 0: no pod serves the model"
		return decision{
			phase: "Initializing", message: message, endpoint: endpoint,
			ready:    conditionDecision{"Ready", "False", "ScaledToZero", message},
			progress: conditionDecision{"Progressing", "False", "RolloutComplete", r.message},
			degraded: notDegraded,
		}
	}
	return decision{
		phase: "Ready", message: "Serving at " + endpoint + "; " + r.message, endpoint: endpoint,
		ready:    conditionDecision{"Ready", "True", "Available", r.message},
		progress: conditionDecision{"Progressing", "False", "RolloutComplete", r.message},
		degraded: notDegraded,
	}
}

// problemDecision: the spec cannot be served (InvalidSpec), a child's name is someone else's
// (ChildConflict), or writing the children failed (ReconcileFailed, which keeps the endpoint).
func problemDecision(reason, message, waiting, previousEndpoint string) decision {
	progress := conditionDecision{"Progressing", "False", reason, waiting}
	endpoint := ""
	if reason == "ReconcileFailed" {
		progress = conditionDecision{"Progressing", "True", "Retrying", message}
		endpoint = previousEndpoint
	}
	return decision{
		phase: "Error", message: message, endpoint: endpoint,
		ready:    conditionDecision{"Ready", "False", reason, message},
		progress: progress,
		degraded: conditionDecision{"Degraded", "True", reason, message},
	}
}

// kubeTime is metav1.Time's form: RFC 3339 in whole seconds.
func kubeTime(now time.Time) string {
	return now.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// mergeConditions sets each decision in place of the condition of its type, or appends it; the
// transition time moves only where the status changed.
func mergeConditions(previous []any, decisions []conditionDecision, generation int64, now time.Time) []any {
	result := append([]any{}, previous...)
	for _, d := range decisions {
		index := -1
		for i, c := range result {
			if cond, _ := c.(object); cond["type"] == d.kind {
				index = i
				break
			}
		}
		var transition any = kubeTime(now)
		if index >= 0 {
			if before, _ := result[index].(object); before["status"] == d.status {
				transition = before["lastTransitionTime"]
			}
		}
		next := object{
			"type":               d.kind,
			"status":             d.status,
			"observedGeneration": generation,
			"lastTransitionTime": transition,
			"reason":             d.reason,
			"message":            d.message,
		}
		if index < 0 {
			result = append(result, next)
		} else {
			result[index] = next
		}
	}
	return result
}

func computeModelStatus(previous object, generation int64, d decision, now time.Time) object {
	conditions, _ := previous["conditions"].([]any)
	next := object{
		"observedGeneration": generation,
		"phase":              d.phase,
		"reason":             d.message,
		"conditions":         mergeConditions(conditions, []conditionDecision{d.ready, d.progress, d.degraded}, generation, now),
	}
	if d.endpoint != "" {
		next["modelEndpoint"] = d.endpoint
	}
	withoutTime := maps.Clone(previous)
	delete(withoutTime, "lastUpdateTime")
	if previousTime, ok := previous["lastUpdateTime"]; ok && jsonEqual(withoutTime, next) {
		next["lastUpdateTime"] = previousTime
	} else {
		next["lastUpdateTime"] = kubeTime(now)
	}
	return next
}
