// Package configs holds the example configuration, embedded so that the
// binary runs from any directory with no file at all.
package configs

import _ "embed"

// Example is jiesu.example.yaml: the configuration Load reads for path "".
//
//go:embed jiesu.example.yaml
var Example []byte
