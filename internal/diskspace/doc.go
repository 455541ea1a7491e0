// Package diskspace tells how much room is left on the file system that holds
// a path, and whether an error means the room ran out. Stores use it to refuse
// a write before the disk refuses it halfway (bleve and JetStream do not
// always recover from a write cut short), and to notice when space is back.
//
// It must never write to, create or remove anything under the path it
// measures.
package diskspace
