// Status writes as the TypeScript controller makes them (controller/runtime/status/status-writer.ts): a
// PUT of the status subresource only when the status changed; on 409 Conflict a fresh read and a
// recomputed status, up to 5 attempts; and each written object remembered until the cache shows a
// version newer than the ones it replaced, so a reconcile running before the watch delivers our own
// write does not compute from the stale copy and earn a 409.
package main

import (
	"container/list"
	"context"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	statusMaxAttempts   = 5
	statusMaxRemembered = 10_000
)

type writtenStatus struct {
	staleVersions map[string]bool
	object        *unstructured.Unstructured
	age           *list.Element
}

type statusWriter struct {
	client client.Client
	// Uncached: after a conflict only the API server knows the current object.
	reader client.Reader

	mu      sync.Mutex
	written map[types.UID]*writtenStatus
	// Oldest first; bounds what is remembered.
	order *list.List
}

func newStatusWriter(c client.Client, reader client.Reader) *statusWriter {
	return &statusWriter{client: c, reader: reader, written: map[types.UID]*writtenStatus{}, order: list.New()}
}

// update sets the status to compute(latest), where latest is the cached object (or what we last wrote
// over it) and a fresh read after each conflict; reports whether it wrote.
func (w *statusWriter) update(
	ctx context.Context, cached *unstructured.Unstructured, compute func(latest *unstructured.Unstructured) any,
) (bool, error) {
	start := w.recall(cached)
	latest := start
	for attempt := 1; ; attempt++ {
		status := compute(latest)
		if jsonEqual(status, latest.Object["status"]) {
			return false, nil
		}
		next := latest.DeepCopy()
		next.Object["status"] = status
		err := w.client.Status().Update(ctx, next)
		if err == nil {
			w.remember(cached, start, next)
			return true, nil
		}
		if !apierrors.IsConflict(err) || attempt >= statusMaxAttempts {
			return false, err
		}
		fresh := &unstructured.Unstructured{}
		fresh.SetGroupVersionKind(latest.GroupVersionKind())
		if err := w.reader.Get(ctx, client.ObjectKeyFromObject(latest), fresh); err != nil {
			return false, err
		}
		latest = fresh
	}
}

func (w *statusWriter) recall(cached *unstructured.Unstructured) *unstructured.Unstructured {
	w.mu.Lock()
	defer w.mu.Unlock()
	entry := w.written[cached.GetUID()]
	if entry == nil {
		return cached
	}
	if entry.staleVersions[cached.GetResourceVersion()] {
		return entry.object
	}
	w.forget(cached.GetUID(), entry)
	return cached
}

func (w *statusWriter) remember(cached, start, written *unstructured.Unstructured) {
	w.mu.Lock()
	defer w.mu.Unlock()
	uid := cached.GetUID()
	stale := map[string]bool{}
	if entry := w.written[uid]; entry != nil {
		for version := range entry.staleVersions {
			stale[version] = true
		}
		w.forget(uid, entry)
	}
	for _, version := range []string{cached.GetResourceVersion(), start.GetResourceVersion()} {
		if version != "" {
			stale[version] = true
		}
	}
	w.written[uid] = &writtenStatus{staleVersions: stale, object: written, age: w.order.PushBack(uid)}
	for w.order.Len() > statusMaxRemembered {
		oldest := w.order.Front().Value.(types.UID)
		w.forget(oldest, w.written[oldest])
	}
}

func (w *statusWriter) forget(uid types.UID, entry *writtenStatus) {
	w.order.Remove(entry.age)
	delete(w.written, uid)
}
