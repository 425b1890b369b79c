package helm

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

const (
	sqliteExample   = chartDir + "/values-sqlite.yaml"
	postgresExample = chartDir + "/values-postgres.yaml"
)

func container(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	cs := d.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("want one container, got %d", len(cs))
	}
	return cs[0]
}

func envVar(t *testing.T, c corev1.Container, name string) *corev1.EnvVar {
	t.Helper()
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

// wantEnvValue asserts a plain environment value.
func wantEnvValue(t *testing.T, c corev1.Container, name, want string) {
	t.Helper()
	e := envVar(t, c, name)
	if e == nil || e.ValueFrom != nil || e.Value != want {
		t.Errorf("env %s = %+v, want the value %q", name, e, want)
	}
}

// wantEnvSecret asserts a variable read from a Secret key, never inline.
func wantEnvSecret(t *testing.T, c corev1.Container, name, secret, key string, optional bool) {
	t.Helper()
	e := envVar(t, c, name)
	if e == nil || e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
		t.Errorf("env %s = %+v, want it from Secret %s key %s", name, e, secret, key)
		return
	}
	ref := e.ValueFrom.SecretKeyRef
	gotOptional := ref.Optional != nil && *ref.Optional
	if ref.Name != secret || ref.Key != key || gotOptional != optional {
		t.Errorf("env %s from Secret %s key %s optional %v, want %s/%s optional %v",
			name, ref.Name, ref.Key, gotOptional, secret, key, optional)
	}
}

func wantNoEnv(t *testing.T, c corev1.Container, name string) {
	t.Helper()
	if e := envVar(t, c, name); e != nil {
		t.Errorf("env %s is set (%+v), want it absent", name, e)
	}
}

func mountPath(c corev1.Container, volume string) string {
	for _, m := range c.VolumeMounts {
		if m.Name == volume {
			return m.MountPath
		}
	}
	return ""
}

func volume(d *appsv1.Deployment, name string) *corev1.Volume {
	for i, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return &d.Spec.Template.Spec.Volumes[i]
		}
	}
	return nil
}

// checkHardened asserts what every rendering must keep: non-root, read-only
// root filesystem with a writable /tmp, no privilege escalation, no
// capabilities, the runtime's seccomp profile, and the two probes.
func checkHardened(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	pod := d.Spec.Template.Spec.SecurityContext
	if pod == nil || pod.RunAsNonRoot == nil || !*pod.RunAsNonRoot || pod.RunAsUser == nil || *pod.RunAsUser != 65532 {
		t.Errorf("pod securityContext = %+v, want runAsNonRoot and runAsUser 65532", pod)
	}
	if pod == nil || pod.SeccompProfile == nil || pod.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod seccompProfile is not RuntimeDefault: %+v", pod)
	}
	c := container(t, d)
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("container readOnlyRootFilesystem is not true: %+v", sc)
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("container allowPrivilegeEscalation is not false: %+v", sc)
	}
	if sc == nil || sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) != 0 {
		t.Errorf("container capabilities = %+v, want drop [ALL] and nothing added", sc)
	}
	if mountPath(c, "tmp") != "/tmp" {
		t.Errorf("/tmp is not mounted from the tmp volume: %+v", c.VolumeMounts)
	}
	if v := volume(d, "tmp"); v == nil || v.EmptyDir == nil {
		t.Errorf("volume tmp = %+v, want an emptyDir", v)
	}
	probes := map[string]*corev1.Probe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe}
	for path, p := range probes {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "http" {
			t.Errorf("probe for %s = %+v", path, p)
		}
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources = %+v, want a CPU request and a memory limit", c.Resources)
	}
	if len(c.Ports) == 0 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
		t.Errorf("ports = %+v, want http on 8080", c.Ports)
	}
	if len(c.Command) != 0 || len(c.Args) != 0 {
		t.Errorf("command %q args %q, want the image's entrypoint (consortia serve) untouched", c.Command, c.Args)
	}
	wantEnvValue(t, c, "CONSORTIA_ADDR", "0.0.0.0:8080")
	wantEnvValue(t, c, "CONSORTIA_LOG_FORMAT", "json")
}

// checkSQLiteMode asserts one replica, Recreate, the claim at /data and no PDB.
func checkSQLiteMode(t *testing.T, m manifests) {
	t.Helper()
	d := m.Deployment
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
		t.Errorf("replicas = %v, want 1", d.Spec.Replicas)
	}
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType || d.Spec.Strategy.RollingUpdate != nil {
		t.Errorf("strategy = %+v, want Recreate", d.Spec.Strategy)
	}
	c := container(t, d)
	wantEnvValue(t, c, "CONSORTIA_DATABASE_URL", "/data/consortia.db")
	if mountPath(c, "data") != "/data" {
		t.Errorf("data volume is not mounted at /data: %+v", c.VolumeMounts)
	}
	v := volume(d, "data")
	if m.PVC == nil || v == nil || v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != m.PVC.Name {
		t.Fatalf("data volume %+v does not use the chart's claim %+v", v, m.PVC)
	}
	if m.PVC.Spec.Resources.Requests.Storage().IsZero() {
		t.Errorf("claim requests no storage: %+v", m.PVC.Spec.Resources)
	}
	if m.PVC.Annotations["helm.sh/resource-policy"] != "keep" {
		t.Errorf("claim annotations = %v, want helm.sh/resource-policy keep", m.PVC.Annotations)
	}
	if m.PDB != nil {
		t.Errorf("sqlite mode rendered a PodDisruptionBudget: %+v", m.PDB)
	}
}

// checkPostgresMode asserts N replicas, rolling updates, no claim and a PDB.
func checkPostgresMode(t *testing.T, m manifests, replicas int32, secret string) {
	t.Helper()
	d := m.Deployment
	if d.Spec.Replicas == nil || *d.Spec.Replicas != replicas {
		t.Errorf("replicas = %v, want %d", d.Spec.Replicas, replicas)
	}
	if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Spec.Strategy.RollingUpdate == nil {
		t.Errorf("strategy = %+v, want RollingUpdate", d.Spec.Strategy)
	}
	if m.PVC != nil || volume(d, "data") != nil {
		t.Errorf("postgres mode rendered a claim or data volume: %+v", m.PVC)
	}
	if m.PDB == nil || m.PDB.Spec.MinAvailable == nil {
		t.Fatalf("postgres mode rendered no PodDisruptionBudget with minAvailable")
	}
	for k, v := range d.Spec.Selector.MatchLabels {
		if m.PDB.Spec.Selector.MatchLabels[k] != v {
			t.Errorf("PDB selector %v does not match the Deployment's %v", m.PDB.Spec.Selector.MatchLabels, d.Spec.Selector.MatchLabels)
		}
	}
	wantEnvSecret(t, container(t, d), "CONSORTIA_DATABASE_URL", secret, "database-url", false)
}

func TestDefaultValuesRenderSQLiteMode(t *testing.T) {
	m := mustRender(t, nil, nil)
	checkHardened(t, m.Deployment)
	checkSQLiteMode(t, m)
	c := container(t, m.Deployment)
	if want := "ghcr.io/consortia/consortia:0.1.0"; c.Image != want {
		t.Errorf("image = %q, want %q (tag from appVersion)", c.Image, want)
	}
	if m.Secret != nil || m.Ingress != nil || m.ServiceMonitor != nil {
		t.Errorf("defaults rendered a Secret, Ingress or ServiceMonitor nobody asked for")
	}
	for _, name := range []string{"CONSORTIA_SMTP_URL", "CONSORTIA_METRICS_TOKEN", "CONSORTIA_METRICS_ADDR", "CONSORTIA_BASE_URL"} {
		wantNoEnv(t, c, name)
	}
	if len(c.Ports) != 1 || len(m.Service.Spec.Ports) != 1 {
		t.Errorf("metrics are off but ports are %+v / %+v", c.Ports, m.Service.Spec.Ports)
	}
}

func TestSQLiteExample(t *testing.T) {
	m := mustRender(t, []string{sqliteExample}, nil)
	checkHardened(t, m.Deployment)
	checkSQLiteMode(t, m)
	c := container(t, m.Deployment)
	wantEnvSecret(t, c, "CONSORTIA_SMTP_URL", "consortia", "smtp-url", false)
	wantEnvValue(t, c, "CONSORTIA_BASE_URL", "https://consortia.example.org")
	wantEnvValue(t, c, "CONSORTIA_MAIL_FROM", "Consortia <consortia@example.org>")
	if m.Secret == nil || m.Secret.StringData["smtp-url"] == "" {
		t.Fatalf("no generated Secret with smtp-url: %+v", m.Secret)
	}
	if _, ok := m.Secret.StringData["database-url"]; ok {
		t.Errorf("sqlite mode put a database-url in the Secret")
	}
	if m.Ingress == nil || len(m.Ingress.Spec.TLS) != 1 {
		t.Errorf("Ingress with TLS missing: %+v", m.Ingress)
	}
}

func TestPostgresExample(t *testing.T) {
	m := mustRender(t, []string{postgresExample}, nil)
	checkHardened(t, m.Deployment)
	checkPostgresMode(t, m, 3, "consortia-secrets")
	if got := m.PDB.Spec.MinAvailable.IntValue(); got != 2 {
		t.Errorf("PDB minAvailable = %d, want 2", got)
	}
	if m.Secret != nil {
		t.Errorf("an existing Secret is named but the chart generated one too")
	}
	c := container(t, m.Deployment)
	wantEnvSecret(t, c, "CONSORTIA_SMTP_URL", "consortia-secrets", "smtp-url", true)
	wantEnvSecret(t, c, "CONSORTIA_METRICS_TOKEN", "consortia-secrets", "metrics-token", true)
	wantEnvValue(t, c, "CONSORTIA_METRICS_ADDR", "0.0.0.0:9090")
	if m.ServiceMonitor == nil {
		t.Fatal("no ServiceMonitor")
	}
	if got := lookup(m.ServiceMonitor, "spec.endpoints"); len(got.([]any)) != 1 ||
		lookupIn(lookupIn(got.([]any)[0], "authorization"), "credentials") == nil {
		t.Errorf("ServiceMonitor endpoint does not send the metrics token: %v", got)
	}
}

func TestPostgresWithGeneratedSecret(t *testing.T) {
	m := mustRender(t, []string{"testdata/postgres-generated-secret.yaml"}, nil)
	checkHardened(t, m.Deployment)
	checkPostgresMode(t, m, 2, "consortia")
	if m.Secret == nil {
		t.Fatal("no Secret generated from values")
	}
	for _, key := range []string{"database-url", "smtp-url", "metrics-token"} {
		if m.Secret.StringData[key] == "" {
			t.Errorf("generated Secret lacks %s: keys %v", key, m.Secret.StringData)
		}
	}
	c := container(t, m.Deployment)
	wantEnvSecret(t, c, "CONSORTIA_SMTP_URL", "consortia", "smtp-url", false)
	wantEnvSecret(t, c, "CONSORTIA_METRICS_TOKEN", "consortia", "metrics-token", false)
	for _, e := range c.Env {
		if strings.Contains(e.Value, "s3cret") || strings.Contains(e.Value, "0123456789abcdef") {
			t.Errorf("a secret value is inline in env %s", e.Name)
		}
	}
	// Changing a secret value must roll the pods.
	before := m.Deployment.Spec.Template.Annotations["checksum/secret"]
	after := mustRender(t, []string{"testdata/postgres-generated-secret.yaml"},
		map[string]any{"secrets": map[string]any{"smtpURL": "smtp://other:pw@smtp.internal:587"}})
	if before == "" || before == after.Deployment.Spec.Template.Annotations["checksum/secret"] {
		t.Errorf("pod template checksum did not change with the Secret (%q)", before)
	}
}

func TestPostgresSingleReplicaHasNoBudget(t *testing.T) {
	m := mustRender(t, []string{"testdata/postgres-generated-secret.yaml"}, map[string]any{"replicaCount": 1})
	if m.PDB != nil {
		t.Errorf("one replica with a PodDisruptionBudget would block node drains: %+v", m.PDB)
	}
	if m.Deployment.Spec.Strategy.Type != "RollingUpdate" {
		t.Errorf("strategy = %s, want RollingUpdate", m.Deployment.Spec.Strategy.Type)
	}
}

func TestIngressAndServiceMonitor(t *testing.T) {
	m := mustRender(t, []string{"testdata/ingress-servicemonitor.yaml"}, nil)
	checkHardened(t, m.Deployment)
	checkSQLiteMode(t, m)
	c := container(t, m.Deployment)
	wantEnvValue(t, c, "CONSORTIA_BASE_URL", "https://consortia.test.example")
	wantEnvValue(t, c, "CONSORTIA_METRICS_ADDR", "0.0.0.0:9191")
	if m.Ingress == nil {
		t.Fatal("no Ingress")
	}
	rules := m.Ingress.Spec.Rules
	if len(rules) != 1 || rules[0].Host != "consortia.test.example" ||
		rules[0].HTTP.Paths[0].Backend.Service.Name != m.Service.Name ||
		rules[0].HTTP.Paths[0].Backend.Service.Port.Name != "http" {
		t.Errorf("Ingress rules = %+v, want the host routed to the Service's http port", rules)
	}
	if *m.Ingress.Spec.IngressClassName != "nginx" {
		t.Errorf("ingressClassName = %q", *m.Ingress.Spec.IngressClassName)
	}
	var metricsPort int32
	for _, p := range m.Service.Spec.Ports {
		if p.Name == "metrics" {
			metricsPort = p.Port
		}
	}
	if metricsPort != 9191 {
		t.Errorf("Service ports = %+v, want metrics on 9191", m.Service.Spec.Ports)
	}
	if m.ServiceMonitor == nil {
		t.Fatal("no ServiceMonitor")
	}
	if lookup(m.ServiceMonitor, "metadata.labels.release") != "prometheus" {
		t.Errorf("ServiceMonitor labels = %v", lookup(m.ServiceMonitor, "metadata.labels"))
	}
	ep := lookup(m.ServiceMonitor, "spec.endpoints").([]any)[0]
	if lookupIn(ep, "port") != "metrics" || lookupIn(ep, "authorization") != nil {
		t.Errorf("endpoint = %v, want port metrics and no token (none configured)", ep)
	}
}

func TestExistingSecret(t *testing.T) {
	m := mustRender(t, []string{"testdata/existing-secret.yaml"}, nil)
	checkHardened(t, m.Deployment)
	checkSQLiteMode(t, m)
	if m.Secret != nil {
		t.Errorf("an existing Secret is named but the chart generated one: %+v", m.Secret)
	}
	c := container(t, m.Deployment)
	wantEnvSecret(t, c, "CONSORTIA_SMTP_URL", "ops-managed", "smtp-url", true)
	wantEnvSecret(t, c, "CONSORTIA_METRICS_TOKEN", "ops-managed", "metrics-token", true)
	wantEnvValue(t, c, "CONSORTIA_DATABASE_URL", "/data/consortia.db")
}

func TestExistingClaim(t *testing.T) {
	m := mustRender(t, nil, map[string]any{"database": map[string]any{
		"sqlite": map[string]any{"persistence": map[string]any{"existingClaim": "my-data"}}}})
	if m.PVC != nil {
		t.Errorf("an existing claim is named but the chart rendered one")
	}
	if v := volume(m.Deployment, "data"); v == nil || v.PersistentVolumeClaim.ClaimName != "my-data" {
		t.Errorf("data volume = %+v, want claim my-data", v)
	}
}

func TestRefusedValues(t *testing.T) {
	cases := []struct {
		name      string
		files     []string
		overrides map[string]any
		want      string
	}{
		{"sqlite with two replicas", nil, map[string]any{"replicaCount": 2},
			"replicaCount is 2 but database.mode sqlite allows exactly one replica"},
		{"sqlite example scaled", []string{sqliteExample}, map[string]any{"replicaCount": 3},
			"allows exactly one replica"},
		{"zero replicas", []string{postgresExample}, map[string]any{"replicaCount": 0},
			"replicaCount must be at least 1"},
		{"unknown mode", nil, map[string]any{"database": map[string]any{"mode": "mysql"}},
			`database.mode must be sqlite or postgres, not "mysql"`},
		{"postgres without a URL", nil, map[string]any{"database": map[string]any{"mode": "postgres"}},
			"database.mode postgres needs the database URL"},
		{"short metrics token", nil, map[string]any{"secrets": map[string]any{"metricsToken": "short"}},
			"secrets.metricsToken must be at least 16 characters"},
		{"ServiceMonitor without metrics", nil, map[string]any{"metrics": map[string]any{
			"serviceMonitor": map[string]any{"enabled": true}}},
			"metrics.serviceMonitor.enabled needs metrics.enabled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := render(t, valuesFrom(t, tc.files, tc.overrides))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("render error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
