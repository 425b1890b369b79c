package main

// The image's contract: what a container runtime, a probe and the Helm chart
// rely on. The Dockerfile at the repository root must say the same
// (dockerfile_test.go parses it and compares).

const (
	// nonRootID is the user and group the server runs as (the "nonroot" user
	// of distroless images, so volume permissions carry over between them).
	nonRootID = 65532

	binaryPath   = "/usr/local/bin/consortia"
	certsPath    = "/etc/ssl/certs/ca-certificates.crt"
	zoneinfoPath = "/usr/share/zoneinfo.zip"
	dataDir      = "/data"
	listenPort   = "8080/tcp"

	// defaultSourceURL fills org.opencontainers.image.source; forks pass --source-url.
	defaultSourceURL = "https://github.com/consortia/consortia"
)

// entrypoint starts the server; other commands run with --entrypoint
// /usr/local/bin/consortia (see README, "Container image").
var entrypoint = []string{binaryPath, "serve"}

// imageEnv is the environment baked into the image, sorted by name.
var imageEnv = []string{
	"CONSORTIA_ADDR=0.0.0.0:8080",
	"CONSORTIA_DATABASE_URL=" + dataDir + "/consortia.db",
	"CONSORTIA_LOG_FORMAT=json",
	"CONSORTIA_MAIL_DIR=" + dataDir + "/mail-outbox",
	"PATH=/usr/local/bin",
	"ZONEINFO=" + zoneinfoPath,
}

// labels are the OCI annotations on the image config.
func labels(sourceURL, version, revision, created string) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "consortia",
		"org.opencontainers.image.description": "Run a consortium of member communities: roadmap, prioritization rounds, co-funding, updates.",
		"org.opencontainers.image.licenses":    "BSD-3-Clause",
		"org.opencontainers.image.source":      sourceURL,
		"org.opencontainers.image.version":     version,
		"org.opencontainers.image.revision":    revision,
		"org.opencontainers.image.created":     created,
	}
}
