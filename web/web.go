package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Static is the tree of page files: index.html, overlay.html and their
// assets, at the root of the returned file system.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		// "static" is embedded above; failing here is a build bug.
		panic("web: " + err.Error())
	}
	return sub
}
