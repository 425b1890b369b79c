package helm

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
)

const (
	chartDir    = "consortia"
	releaseName = "consortia"
	namespace   = "apps"
)

// manifests are the objects one render produced, decoded into the API types.
type manifests struct {
	Deployment     *appsv1.Deployment
	Service        *corev1.Service
	Secret         *corev1.Secret
	PVC            *corev1.PersistentVolumeClaim
	PDB            *policyv1.PodDisruptionBudget
	Ingress        *networkingv1.Ingress
	ServiceAccount *corev1.ServiceAccount
	ServiceMonitor map[string]any
}

// valuesFrom merges values files (paths relative to this folder) in order, as
// `helm -f a -f b` does for top-level keys, then applies overrides.
func valuesFrom(t *testing.T, files []string, overrides map[string]any) map[string]any {
	t.Helper()
	vals := map[string]any{}
	for _, f := range files {
		v, err := common.ReadValuesFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		vals = loader.MergeMaps(vals, v)
	}
	return loader.MergeMaps(vals, overrides)
}

// render renders the chart with the given values as `helm template` would.
func render(t *testing.T, vals map[string]any) (map[string]string, error) {
	t.Helper()
	chrt, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	opts := common.ReleaseOptions{Name: releaseName, Namespace: namespace, Revision: 1, IsInstall: true}
	renderVals, err := util.ToRenderValues(chrt, vals, opts, common.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	return engine.Render(chrt, renderVals)
}

// mustRender renders and decodes every manifest strictly; any unknown field,
// wrong type or unexpected kind fails the test.
func mustRender(t *testing.T, files []string, overrides map[string]any) manifests {
	t.Helper()
	out, err := render(t, valuesFrom(t, files, overrides))
	if err != nil {
		t.Fatalf("render %v: %v", files, err)
	}
	m, err := decodeAll(out)
	if err != nil {
		t.Fatalf("decode %v: %v", files, err)
	}
	if m.Deployment == nil || m.Service == nil {
		t.Fatalf("render %v: no Deployment or Service", files)
	}
	return m
}

// decodeAll decodes each YAML document of the rendered templates.
func decodeAll(rendered map[string]string) (manifests, error) {
	var m manifests
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !strings.HasSuffix(name, ".yaml") {
			continue // NOTES.txt and helpers
		}
		for _, doc := range strings.Split(rendered[name], "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			if err := m.decode([]byte(doc)); err != nil {
				return m, fmt.Errorf("%s: %w", filepath.Base(name), err)
			}
		}
	}
	return m, nil
}

func (m *manifests) decode(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	var target any
	switch head.APIVersion + " " + head.Kind {
	case "apps/v1 Deployment":
		m.Deployment = &appsv1.Deployment{}
		target = m.Deployment
	case "v1 Service":
		m.Service = &corev1.Service{}
		target = m.Service
	case "v1 Secret":
		m.Secret = &corev1.Secret{}
		target = m.Secret
	case "v1 PersistentVolumeClaim":
		m.PVC = &corev1.PersistentVolumeClaim{}
		target = m.PVC
	case "v1 ServiceAccount":
		m.ServiceAccount = &corev1.ServiceAccount{}
		target = m.ServiceAccount
	case "policy/v1 PodDisruptionBudget":
		m.PDB = &policyv1.PodDisruptionBudget{}
		target = m.PDB
	case "networking.k8s.io/v1 Ingress":
		m.Ingress = &networkingv1.Ingress{}
		target = m.Ingress
	case "monitoring.coreos.com/v1 ServiceMonitor":
		return m.decodeServiceMonitor(doc)
	default:
		return fmt.Errorf("unexpected kind %q (apiVersion %q)", head.Kind, head.APIVersion)
	}
	return yaml.UnmarshalStrict(doc, target)
}

// decodeServiceMonitor checks the fields the Prometheus operator requires; its
// Go types live in a module too large to pull in for one object.
func (m *manifests) decodeServiceMonitor(doc []byte) error {
	var sm map[string]any
	if err := yaml.UnmarshalStrict(doc, &sm); err != nil {
		return err
	}
	for _, path := range []string{"metadata.name", "spec.selector.matchLabels", "spec.endpoints"} {
		if lookup(sm, path) == nil {
			return fmt.Errorf("ServiceMonitor: %s is missing", path)
		}
	}
	eps, ok := lookup(sm, "spec.endpoints").([]any)
	if !ok || len(eps) == 0 {
		return fmt.Errorf("ServiceMonitor: spec.endpoints must be a non-empty list")
	}
	for i, ep := range eps {
		if port, _ := lookupIn(ep, "port").(string); port == "" {
			return fmt.Errorf("ServiceMonitor: spec.endpoints[%d].port is missing", i)
		}
	}
	m.ServiceMonitor = sm
	return nil
}

// lookup follows a dotted path through decoded YAML maps.
func lookup(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		v = lookupIn(v, key)
	}
	return v
}

func lookupIn(v any, key string) any {
	mv, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return mv[key]
}

// TestStrictDecodingRejectsUnknownFields guards the checker itself.
func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 2\n")
	var m manifests
	err := m.decode(doc)
	if err == nil || !strings.Contains(err.Error(), "replica") {
		t.Fatalf("a misspelled field decoded without error: %v", err)
	}
	if err := m.decode(bytes.ReplaceAll(doc, []byte("replica:"), []byte("replicas:"))); err != nil {
		t.Fatalf("a valid Deployment did not decode: %v", err)
	}
}
