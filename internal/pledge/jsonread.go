package pledge

import (
	"math/big"

	"consortia/internal/jsonin"
)

// jsonReader decodes a pledge document with jsonin, which gives every
// problem its JSON path, line and column; parse.go adds the pledge format.
type jsonReader struct{ *jsonin.Reader }

func newJSONReader(data []byte) *jsonReader {
	return &jsonReader{jsonin.NewReader(data)}
}

// ratValue reads an exact rational given as a JSON number or a string.
func (r *jsonReader) ratValue(path string) (*big.Rat, error) {
	return r.Rat(path, `a decimal number or a string such as "0.5" or "1/3"`, ParseRat)
}
