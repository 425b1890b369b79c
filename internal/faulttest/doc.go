// Package faulttest holds tests that run the real consortia binary as a
// separate process and hurt it: killed with SIGKILL under concurrent
// writers, or served through a transaction-mode connection pooler. The
// package has no code of its own; the tests live in its _test files.
package faulttest
