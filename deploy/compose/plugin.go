//go:build tools

// Package compose pins the Docker Compose CLI plugin that config.sh builds.
// The build tag keeps this file out of every build; it is here so that
// go.mod records the version.
package compose

import _ "github.com/docker/compose/v5/cmd"
