// The AIModel reconciler, step for step as controller/reconcilers/aimodel/aimodel-reconciler.ts: check
// that no object the operator did not make holds a child's name (a GET for a name the label-selected
// cache does not know), apply each child the cache shows different, record an Event for what changed,
// and write the status.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// childConflictRetry: a foreign object is not in the caches, so its deletion sends no event.
const childConflictRetry = 30 * time.Second

var aiModelGVK = schema.GroupVersionKind{Group: "ai.example.com", Version: "v1", Kind: "AIModel"}

func newAIModel() *unstructured.Unstructured {
	model := &unstructured.Unstructured{}
	model.SetGroupVersionKind(aiModelGVK)
	return model
}

type modelReconciler struct {
	// Reads from the caches, writes to the API server.
	client client.Client
	// Uncached, for names the label-selected caches cannot know.
	reader   client.Reader
	events   events.EventRecorder
	statuses *statusWriter
}

// child is one of the three children: what we want, and the cache's copy of that name, if any.
type child struct {
	desired object
	cached  client.Object
	// An empty object of the kind, for the uncached read.
	empty client.Object
}

func (r *modelReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	model := newAIModel()
	if err := r.client.Get(ctx, req.NamespacedName, model); err != nil {
		// Deleted: the garbage collector removes the children through their owner references.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if model.GetDeletionTimestamp() != nil {
		return ctrl.Result{}, nil
	}
	plan := planModel(model)
	if plan.invalid != "" {
		r.events.Eventf(model, nil, corev1.EventTypeWarning, "InvalidSpec", "Reconcile", "%s", plan.invalid)
		if _, err := r.writeStatus(ctx, model, problemDecision("InvalidSpec", plan.invalid, "Waiting for the spec to be fixed", "")); err != nil {
			return ctrl.Result{}, err
		}
		return ctrl.Result{}, reconcile.TerminalError(fmt.Errorf("AIModel %s: %s", req, plan.invalid))
	}

	key := types.NamespacedName{Namespace: req.Namespace, Name: modelChildName(req.Name)}
	children := []*child{
		{desired: plan.configMap, empty: &corev1.ConfigMap{}},
		{desired: plan.service, empty: &corev1.Service{}},
		{desired: plan.deployment, empty: &appsv1.Deployment{}},
	}
	for _, c := range children {
		cached, err := r.cached(ctx, key, c.empty.DeepCopyObject().(client.Object))
		if err != nil {
			return ctrl.Result{}, err
		}
		c.cached = cached
	}

	var changes []string
	deployment, err := r.writeChildren(ctx, model, key, children, &changes)
	if err != nil {
		if ctx.Err() != nil {
			return ctrl.Result{}, err
		}
		var conflict *childConflictError
		if errors.As(err, &conflict) {
			return r.reportConflict(ctx, model, conflict)
		}
		message := "applying the children failed: " + err.Error()
		r.events.Eventf(model, nil, corev1.EventTypeWarning, "ApplyFailed", "Apply", "%s", message)
		previous, _, _ := unstructured.NestedString(model.Object, "status", "modelEndpoint")
		if _, statusErr := r.writeStatus(ctx, model, problemDecision("ReconcileFailed", message, "", previous)); statusErr != nil {
			log.FromContext(ctx).Info("could not record the failure in status", "error", statusErr.Error())
		}
		return ctrl.Result{}, err
	}
	if len(changes) > 0 {
		log.FromContext(ctx).Info("children updated", "changes", changes)
		r.events.Eventf(model, nil, corev1.EventTypeNormal, "ChildrenUpdated", "Apply", "%s", strings.Join(changes, ", "))
	}
	_, err = r.writeStatus(ctx, model, servedDecision(deploymentRollout(deployment), plan.replicas, plan.endpoint))
	return ctrl.Result{}, err
}

// writeChildren checks the claims on the children's names, then applies each; returns the Deployment as
// it now is.
func (r *modelReconciler) writeChildren(
	ctx context.Context, model *unstructured.Unstructured, key types.NamespacedName, children []*child, changes *[]string,
) (*appsv1.Deployment, error) {
	var foreign []string
	for _, c := range children {
		current := c.cached
		if current == nil {
			fresh := c.empty.DeepCopyObject().(client.Object)
			err := r.reader.Get(ctx, key, fresh)
			if err != nil && !apierrors.IsNotFound(err) {
				return nil, err
			}
			if err == nil {
				current = fresh
			}
		}
		if current == nil {
			continue
		}
		if gaps := claimGaps(current, model.GetName()); len(gaps) > 0 {
			foreign = append(foreign, fmt.Sprintf("%s %s exists without %s", c.desired["kind"], key.Name, listed(gaps)))
		}
	}
	if len(foreign) > 0 {
		return nil, &childConflictError{owner: "AIModel " + model.GetName(), foreign: foreign}
	}

	var deployment *appsv1.Deployment
	for _, c := range children {
		applied, err := r.apply(ctx, c, changes)
		if err != nil {
			return nil, err
		}
		if _, isDeployment := c.empty.(*appsv1.Deployment); !isDeployment {
			continue
		}
		if applied == nil {
			deployment = c.cached.(*appsv1.Deployment)
			continue
		}
		deployment = &appsv1.Deployment{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(applied.Object, deployment); err != nil {
			return nil, err
		}
	}
	return deployment, nil
}

// apply server-side applies the child unless the cache already shows it; returns the applied object,
// nil when nothing was sent.
func (r *modelReconciler) apply(ctx context.Context, c *child, changes *[]string) (*unstructured.Unstructured, error) {
	stamped, err := withDesiredStateHash(c.desired)
	if err != nil {
		return nil, err
	}
	if c.cached != nil {
		current, err := runtime.DefaultUnstructuredConverter.ToUnstructured(c.cached)
		if err != nil {
			return nil, err
		}
		// Typed objects from the cache carry no type meta; the kind is the one we asked for.
		current["apiVersion"], current["kind"] = stamped["apiVersion"], stamped["kind"]
		if isSubsetOf(stamped, current) {
			return nil, nil
		}
	}
	applied := &unstructured.Unstructured{Object: stamped}
	if err := r.client.Apply(ctx, client.ApplyConfigurationFromUnstructured(applied),
		client.FieldOwner(fieldManager), client.ForceOwnership); err != nil {
		return nil, err
	}
	*changes = append(*changes, fmt.Sprintf("%s %s applied", stamped["kind"], applied.GetName()))
	return applied, nil
}

func (r *modelReconciler) cached(ctx context.Context, key types.NamespacedName, into client.Object) (client.Object, error) {
	if err := r.client.Get(ctx, key, into); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return into, nil
}

// reportConflict writes nothing for the model but its status while another object holds a child's name.
func (r *modelReconciler) reportConflict(ctx context.Context, model *unstructured.Unstructured, conflict *childConflictError) (ctrl.Result, error) {
	log.FromContext(ctx).Info("children held by objects the operator did not make", "foreign", conflict.foreign)
	written, err := r.writeStatus(ctx, model, problemDecision("ChildConflict", conflict.Error(), "Waiting for the conflicting object to be removed", ""))
	if err != nil {
		return ctrl.Result{}, err
	}
	if written {
		r.events.Eventf(model, nil, corev1.EventTypeWarning, "ChildConflict", "Reconcile", "%s", conflict.Error())
	}
	return ctrl.Result{RequeueAfter: childConflictRetry}, nil
}

func (r *modelReconciler) writeStatus(ctx context.Context, model *unstructured.Unstructured, d decision) (bool, error) {
	generation := model.GetGeneration()
	return r.statuses.update(ctx, model, func(latest *unstructured.Unstructured) any {
		// A newer spec arrived meanwhile: it has its own reconcile coming, this outcome is not about it.
		if latest.GetGeneration() != generation {
			return latest.Object["status"]
		}
		previous, _ := latest.Object["status"].(object)
		return computeModelStatus(previous, generation, d, time.Now())
	})
}

// claimGaps is what an object lacks to be this model's child (controller/children/child-claim.ts).
func claimGaps(o metav1.Object, model string) []string {
	var gaps []string
	labels := o.GetLabels()
	if labels[managedByLabel] != managedByValue {
		gaps = append(gaps, fmt.Sprintf("the label %s=%s", managedByLabel, managedByValue))
	}
	if labels[modelLabel] != model {
		gaps = append(gaps, fmt.Sprintf("the label %s=%s", modelLabel, model))
	}
	owned := false
	for _, ref := range o.GetOwnerReferences() {
		gv, _ := schema.ParseGroupVersion(ref.APIVersion)
		owned = owned || (gv.Group == aiModelGVK.Group && ref.Kind == aiModelGVK.Kind && ref.Name == model)
	}
	if !owned {
		gaps = append(gaps, "an owner reference to AIModel "+model)
	}
	return gaps
}

func listed(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

type childConflictError struct {
	owner   string
	foreign []string
}

func (e *childConflictError) Error() string {
	which := "that object is"
	if len(e.foreign) > 1 {
		which = "those objects are"
	}
	return fmt.Sprintf("%s. The operator does not take over objects it did not make: it writes nothing for %s until %s deleted or renamed",
		strings.Join(e.foreign, "; "), e.owner, which)
}
