package helm

import (
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
)

// TestLint runs `helm lint`'s checks with each values file; a warning fails.
// (Lint renders in lint mode, where `fail` only logs: TestRefusedValues covers
// the refusals.)
func TestLint(t *testing.T) {
	for _, files := range [][]string{
		nil,
		{sqliteExample},
		{postgresExample},
		{"testdata/ingress-servicemonitor.yaml"},
		{"testdata/existing-secret.yaml"},
		{"testdata/postgres-generated-secret.yaml"},
	} {
		result := lint.RunAll(chartDir, valuesFrom(t, files, nil), namespace)
		for _, msg := range result.Messages {
			t.Logf("%v: %s", files, msg)
			if msg.Severity >= support.WarningSev {
				t.Errorf("lint %v: %s", files, msg)
			}
		}
	}
}
