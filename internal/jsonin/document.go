package jsonin

import (
	"errors"
	"io"
)

// MaxDocumentBytes bounds what ReadDocument reads (callers such as the
// HTTP layer usually impose a much smaller limit themselves).
const MaxDocumentBytes = 1 << 30

// ReadDocument reads one JSON input document of at most MaxDocumentBytes,
// decodes it (syntax, types, unknown and missing fields) and validates its
// values. Validation problems reported as Errors get the line and column
// of their JSON path. Shared by the pledge and matching documents.
func ReadDocument[T any](r io.Reader, decode func([]byte) (T, error), validate func(T) error) (T, error) {
	var zero T
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return zero, err
	}
	if len(data) > MaxDocumentBytes {
		return zero, Errors{{Message: "input too large (limit 1 GiB)"}}
	}
	in, err := decode(data)
	if err != nil {
		return zero, err
	}
	if err := validate(in); err != nil {
		var es Errors
		if errors.As(err, &es) {
			es.Locate(data)
		}
		return zero, err
	}
	return in, nil
}
