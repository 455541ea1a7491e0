package server

// The wire_*.go files convert the service's records into the api package's
// wire types, field by field: the compiler catches a renamed field, and
// TestWireMatchesRecords catches a JSON name that drifted.

// each converts a list with conv, keeping nil as nil: the records were
// encoded as null then, and still are.
func each[R, W any](rs []R, conv func(R) W) []W {
	if rs == nil {
		return nil
	}
	out := make([]W, len(rs))
	for i, r := range rs {
		out[i] = conv(r)
	}
	return out
}

// list converts a list that is [] on the wire even when empty.
func list[R, W any](rs []R, conv func(R) W) []W {
	if rs == nil {
		return []W{}
	}
	return each(rs, conv)
}
