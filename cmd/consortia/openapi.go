package main

import (
	"encoding/json"
	"net/http"

	"consortia/internal/api"
)

type openAPICmd struct {
	BaseURL string `name:"base-url" default:"http://127.0.0.1:8080" help:"Public URL the document's server entry points at."`
}

// Run prints the document without opening a database: the operations are
// registered on a throwaway mux and never called.
func (c *openAPICmd) Run(e *env) error {
	doc := api.Register(http.NewServeMux(), nil, c.BaseURL, version, e.log).OpenAPI()
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
