// Package config is earshot's one typed configuration: defaults, then a YAML
// file, then EARSHOT_* environment variables, then command-line flags, each
// overriding the one before. Every setting is documented in
// docs/earshot.sample.yaml.
//
// This package must never start anything: it only describes what to start.
package config
