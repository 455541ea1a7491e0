// Package web holds earshot's two web faces as static files embedded in the
// binary: the compliance console (index.html: live alerts, alert review,
// transcript search, timelines, rooms) and the anchor overlay
// (overlay.html: a transparent page for an OBS browser source that shows
// one room's reminders).
//
// The pages are plain HTML, CSS and JavaScript modules with no framework
// and no external URL, so they work offline. They hold no secrets: every
// datum comes from the token-checked HTTP API. This package must never
// fetch anything from the network at build or run time.
package web
