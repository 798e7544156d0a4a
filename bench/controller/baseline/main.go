// A controller-runtime baseline for bench:controller: a Go controller that reconciles AIModels into the
// same ConfigMap, Service and Deployment as the TypeScript controller, with the same caches (the two
// custom resources, and ConfigMaps, Services and Deployments selected by the managed-by label, without
// managedFields), the same number of workers and no client-side rate limit, so that the benchmark can
// run both on one cluster and compare them. It takes the TypeScript controller's flags that matter here.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"go.uber.org/zap/zapcore"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// The TypeScript controller reports Events as this controller.
const reportingController = "gateway.example.com/ai-gateway-operator"

var routeGVK = schema.GroupVersionKind{Group: "gateway.example.com", Version: "v1", Kind: "APIGatewayRoute"}

type options struct {
	kubeconfig, namespaces, metricsAddress, probeAddress, logLevel string
	workers                                                        int
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file; default: $KUBECONFIG, in-cluster")
	fs.StringVar(&o.namespaces, "namespaces", "", "namespaces to watch, comma-separated; empty: all")
	fs.IntVar(&o.workers, "workers", 4, "concurrent reconciles (the TypeScript controller's default is 4)")
	fs.StringVar(&o.metricsAddress, "metrics-bind-address", ":8080", "host:port of /metrics")
	fs.StringVar(&o.probeAddress, "health-probe-bind-address", ":8081", "host:port of /healthz and /readyz")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.workers < 1 || o.workers > 64 {
		return o, fmt.Errorf("--workers: must be an integer from 1 to 64")
	}
	return o, nil
}

func main() {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "baseline: %v\n", err)
		os.Exit(2)
	}
	if err := run(ctrl.SetupSignalHandler(), opts); err != nil {
		fmt.Fprintf(os.Stderr, "baseline: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opts options) error {
	var level zapcore.Level
	if err := level.UnmarshalText([]byte(opts.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	ctrl.SetLogger(zap.New(zap.Level(level)))

	config, err := clientcmd.BuildConfigFromFlags("", opts.kubeconfig)
	if err != nil {
		return err
	}
	// The TypeScript controller has no client-side rate limit; -1 switches client-go's (QPS 5, burst 10)
	// off, as controller-runtime's own GetConfig does.
	config.QPS = -1
	config.UserAgent = "controller-runtime-baseline"

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	managed := labels.SelectorFromSet(labels.Set{managedByLabel: managedByValue})
	cacheOptions := cache.Options{
		// The TypeScript caches drop managedFields too.
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.ConfigMap{}:  {Label: managed},
			&corev1.Service{}:    {Label: managed},
			&appsv1.Deployment{}: {Label: managed},
		},
	}
	if opts.namespaces != "" {
		cacheOptions.DefaultNamespaces = map[string]cache.Config{}
		for _, namespace := range strings.Split(opts.namespaces, ",") {
			cacheOptions.DefaultNamespaces[namespace] = cache.Config{}
		}
	}

	var synced atomic.Bool
	ready := healthz.Checker(func(*http.Request) error {
		if !synced.Load() {
			return errors.New("caches not synced")
		}
		return nil
	})
	probes := map[string]http.Handler{
		"/readyz":  http.StripPrefix("/readyz", &healthz.Handler{Checks: map[string]healthz.Checker{"caches": ready}}),
		"/healthz": http.StripPrefix("/healthz", &healthz.Handler{Checks: map[string]healthz.Checker{"ping": healthz.Ping}}),
	}
	metrics := metricsserver.Options{BindAddress: opts.metricsAddress}
	probeAddress := opts.probeAddress
	// One address for both, as the TypeScript controller allows: the metrics server answers the probes.
	if probeAddress == opts.metricsAddress {
		metrics.ExtraHandlers = probes
		probeAddress = "0"
	}
	mgr, err := ctrl.NewManager(config, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  cacheOptions,
		Client:                 client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		Metrics:                metrics,
		HealthProbeBindAddress: probeAddress,
	})
	if err != nil {
		return err
	}
	if probeAddress != "0" {
		if err := mgr.AddReadyzCheck("caches", ready); err != nil {
			return err
		}
		if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
			return err
		}
	}

	// Every cache the TypeScript controller keeps, routes included (this baseline reconciles no routes).
	route := &unstructured.Unstructured{}
	route.SetGroupVersionKind(routeGVK)
	for _, kind := range []client.Object{newAIModel(), route, &corev1.ConfigMap{}, &corev1.Service{}, &appsv1.Deployment{}} {
		if _, err := mgr.GetCache().GetInformer(ctx, kind); err != nil {
			return err
		}
	}
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		synced.Store(mgr.GetCache().WaitForCacheSync(ctx))
		return nil
	})); err != nil {
		return err
	}

	reconciler := &modelReconciler{
		client:   mgr.GetClient(),
		reader:   mgr.GetAPIReader(),
		events:   mgr.GetEventRecorder(reportingController),
		statuses: newStatusWriter(mgr.GetClient(), mgr.GetAPIReader()),
	}
	toModel := handler.EnqueueRequestsFromMapFunc(modelFromLabel)
	err = ctrl.NewControllerManagedBy(mgr).
		Named("aimodel").
		// Status-only updates (our own writes among them) leave generation alone and need no reconcile.
		For(newAIModel(), builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.ConfigMap{}, toModel).
		Watches(&corev1.Service{}, toModel).
		Watches(&appsv1.Deployment{}, toModel).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.workers}).
		Complete(reconciler)
	if err != nil {
		return err
	}
	ctrl.Log.Info("starting", "namespaces", opts.namespaces, "workers", opts.workers)
	return mgr.Start(ctx)
}

// modelFromLabel maps a child to its model through the owner label, as the TypeScript controller does.
func modelFromLabel(_ context.Context, o client.Object) []reconcile.Request {
	model := o.GetLabels()[modelLabel]
	if model == "" || o.GetNamespace() == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: model}}}
}
