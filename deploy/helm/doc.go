// Package helm holds the tests of the Helm chart in ./consortia: it is linted
// and rendered with Helm's own Go packages, and every rendered manifest is
// decoded strictly into the Kubernetes API types. It is a separate module so
// that Helm and the Kubernetes libraries stay out of the consortia binary.
package helm
