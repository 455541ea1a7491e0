// Package testdisk gives tests a small file system of their own that they
// can fill up and free again (a tmpfs mounted on a temporary directory, and
// a filler file that takes every byte left), and the ways they damage a
// store's files at rest (Rewrite with Flip, GarbleHead or Garbage;
// TruncateHalf).
//
// It is for tests only: production code must never import it. It must never
// unmount or fill anything it did not mount itself. Mounting needs root: in
// CI (CI=true) a test that cannot mount fails, elsewhere it is skipped
// (testutil.Need).
package testdisk
