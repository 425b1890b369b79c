package server

import "consortia/internal/model"

// errCrossOrigin is what a refused cross-origin write gets.
var errCrossOrigin = model.Errorf(model.EForbidden, "Cross-origin request refused (CSRF protection). Reload the page and try again.")
