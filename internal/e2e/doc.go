// Package e2e holds end-to-end tests that drive the real pages in a real browser.
package e2e
